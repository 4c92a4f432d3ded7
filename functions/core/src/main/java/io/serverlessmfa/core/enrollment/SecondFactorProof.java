package io.serverlessmfa.core.enrollment;

import io.serverlessmfa.core.recovery.RecoveryCode;
import io.serverlessmfa.core.totp.TotpCode;
import java.util.Objects;

/** What a user offers as proof of the second factor (to remove MFA). */
public sealed interface SecondFactorProof {

    /** A current TOTP code from the authenticator app. */
    record Totp(TotpCode code) implements SecondFactorProof {
        public Totp {
            Objects.requireNonNull(code, "code");
        }
    }

    /** One of the user's recovery codes. */
    record Recovery(RecoveryCode code) implements SecondFactorProof {
        public Recovery {
            Objects.requireNonNull(code, "code");
        }
    }
}

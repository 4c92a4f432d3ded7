package io.serverlessmfa.functions.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.serverlessmfa.core.enrollment.RecoveryCodeIssuer;
import io.serverlessmfa.core.recovery.RecoveryCode;
import io.serverlessmfa.core.recovery.RecoveryCodeGenerator;
import io.serverlessmfa.core.recovery.RecoveryCodeHasher;
import io.serverlessmfa.core.secret.TotpSecretGenerator;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The randomness of a function restored from a SnapStart snapshot. "One snapshot, two restores"
 * is two Wirings whose generators are in the same state: SHA1PRNG seeded with one fixed seed
 * before first use is deterministic (its state lives wholly in the heap, as it would in a
 * snapshot), so both produce the same output until something unique is mixed in. The generators
 * are built before the restore, as a function builds them at init.
 */
class WiringTest {

    private static final byte[] SNAPSHOT_SEED = "the state captured in the snapshot".getBytes(StandardCharsets.US_ASCII);

    /** What a function holds from init on: the Wiring and the generators built over its SecureRandom. */
    private record Initialized(Wiring wiring, TotpSecretGenerator secrets, RecoveryCodeIssuer recoveryCodes) {

        static Initialized fromTheSnapshot() throws NoSuchAlgorithmException {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(SNAPSHOT_SEED);
            Wiring wiring = new Wiring(MfaConfiguration.fromEnvironment(Map.of("MFA_TABLE_NAME", "mfa",
                    "AWS_REGION", "eu-west-1")), Clock.systemUTC(), random);
            // The generators over the Wiring's SecureRandom, as the functions build them; the hash key is
            // a fixed one (this test is about the drawn codes, and has no KMS).
            SecretKey hashKey = new SecretKeySpec(new byte[32], "HmacSHA256");
            return new Initialized(wiring, new TotpSecretGenerator(wiring.random()), new RecoveryCodeIssuer(
                    new RecoveryCodeGenerator(wiring.random()), new RecoveryCodeHasher(wiring.random(), () -> hashKey)));
        }

        List<RecoveryCode> tenRecoveryCodes() {
            return recoveryCodes.issue("user-after-restore", 10).codes();
        }
    }

    @Test
    void twoRestoresOfOneSnapshotDrawDifferentSecretsAndRecoveryCodesAfterTheRestoreHook() throws Exception {
        Initialized first = Initialized.fromTheSnapshot();
        Initialized second = Initialized.fromTheSnapshot();
        first.wiring().afterRestore();
        second.wiring().afterRestore();

        assertFalse(Arrays.equals(first.secrets().generate(), second.secrets().generate()), "each restore has its own secrets");
        List<RecoveryCode> firstCodes = first.tenRecoveryCodes();
        List<RecoveryCode> secondCodes = second.tenRecoveryCodes();
        assertEquals(10, firstCodes.size());
        assertFalse(firstCodes.stream().anyMatch(secondCodes::contains), "no recovery code is handed out twice");
    }

    @Test
    void withoutTheRestoreHookTwoRestoresOfOneSnapshotDrawTheSameSecretsAndRecoveryCodes() throws Exception {
        // The control: the simulation above is faithful, and its test can fail.
        Initialized first = Initialized.fromTheSnapshot();
        Initialized second = Initialized.fromTheSnapshot();

        assertArrayEquals(first.secrets().generate(), second.secrets().generate());
        assertEquals(first.tenRecoveryCodes(), second.tenRecoveryCodes());
    }
}

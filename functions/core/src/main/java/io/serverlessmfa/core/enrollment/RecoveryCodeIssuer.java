package io.serverlessmfa.core.enrollment;

import io.serverlessmfa.core.recovery.HashedRecoveryCode;
import io.serverlessmfa.core.recovery.RecoveryCode;
import io.serverlessmfa.core.recovery.RecoveryCodeGenerator;
import io.serverlessmfa.core.recovery.RecoveryCodeHasher;
import java.util.ArrayList;
import java.util.List;

/**
 * Issues recovery codes: the plaintext goes to the user once, only the keyed hashes, bound to the
 * user, are stored (NIST SP 800-63B §5.1.2.2; {@link RecoveryCodeHasher}). Thread-safe if its
 * generator and hasher are.
 */
public final class RecoveryCodeIssuer {

    private final RecoveryCodeGenerator generator;
    private final RecoveryCodeHasher hasher;

    public RecoveryCodeIssuer(RecoveryCodeGenerator generator, RecoveryCodeHasher hasher) {
        this.generator = generator;
        this.hasher = hasher;
    }

    /** Codes shown to the user, and their hashes to store, in the same order. */
    public record Issued(List<RecoveryCode> codes, List<HashedRecoveryCode> hashes) {
        public Issued {
            codes = List.copyOf(codes);
            hashes = List.copyOf(hashes);
        }
    }

    public Issued issue(String userId, int count) {
        List<RecoveryCode> codes = new ArrayList<>(count);
        List<HashedRecoveryCode> hashes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            RecoveryCode code = generator.generate();
            codes.add(code);
            hashes.add(hasher.hash(userId, code));
        }
        return new Issued(codes, hashes);
    }

    RecoveryCodeHasher hasher() {
        return hasher;
    }
}

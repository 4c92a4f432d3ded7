package io.serverlessmfa.core.recovery;

import javax.crypto.SecretKey;

/**
 * The key of the recovery-code hashes: a secret the table does not hold, so whoever can write the
 * table but cannot use the service's key management cannot make a hash that a code of their
 * choice matches (contract, "Storage rules"; NIST SP 800-63B §5.1.1.2 recommends such a secret
 * "salt", stored apart from the hashes). An adapter supplies it (unsealed through KMS); the core
 * only uses it.
 */
@FunctionalInterface
public interface RecoveryCodeKey {

    /**
     * @return the HMAC-SHA-256 key, 256 bits
     * @throws io.serverlessmfa.core.port.DependencyUnavailableException when the key cannot be had now
     */
    SecretKey current();
}

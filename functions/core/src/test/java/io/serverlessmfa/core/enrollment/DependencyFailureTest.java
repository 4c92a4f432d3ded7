package io.serverlessmfa.core.enrollment;

import static io.serverlessmfa.core.enrollment.Fixture.ALICE;
import static io.serverlessmfa.core.enrollment.Fixture.ORIGIN;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.serverlessmfa.core.port.DependencyUnavailableException;
import io.serverlessmfa.core.port.DependencyUnavailableException.Dependency;
import io.serverlessmfa.core.recovery.RecoveryCode;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A store or key-service outage propagates and leaves the stored state as it was (contract: 503, no state change). */
class DependencyFailureTest {

    private final Fixture f = new Fixture();

    private static DependencyUnavailableException storeOutage() {
        return new DependencyUnavailableException(Dependency.STORE, "injected store outage", null);
    }

    /** Alice's state before the request, with what she was given to prove herself. */
    enum Start {
        NOTHING, PENDING, ENABLED;

        Given arrange(Fixture f) {
            return switch (this) {
                case NOTHING -> new Given(null, null);
                case PENDING -> new Given(f.setup(ALICE).secret(), null);
                case ENABLED -> {
                    Fixture.Enabled enabled = f.enable(ALICE);
                    yield new Given(enabled.secret(), enabled.recoveryCode());
                }
            };
        }
    }

    /** The Base32 secret (null with nothing stored) and a recovery code (only when enabled). */
    record Given(String secret, RecoveryCode recoveryCode) {
    }

    /** Which call of which dependency fails, once. */
    enum Fault {
        ENCRYPT(Dependency.KEY_SERVICE), DECRYPT(Dependency.KEY_SERVICE), READ(Dependency.STORE), WRITE(Dependency.STORE),
        /** The token signing key cannot be had (its unsealing, or reading the key store). */
        SIGNING_KEY(Dependency.KEY_SERVICE);

        /** The dependency whose call fails. */
        final Dependency dependency;

        Fault(Dependency dependency) {
            this.dependency = dependency;
        }

        void inject(Fixture f, DependencyUnavailableException outage) {
            switch (this) {
                case ENCRYPT -> f.cipher.failNextEncrypt(outage);
                case DECRYPT -> f.cipher.failNextDecrypt(outage);
                case READ -> f.store.failNextRead(outage);
                case WRITE -> f.store.failNextWrite(outage);
                case SIGNING_KEY -> f.tokenSigner.failNextPrepare(outage);
            }
        }
    }

    @FunctionalInterface
    interface Step {
        void run(Fixture f, Given given) throws Throwable;
    }

    /** Nothing to check beyond the unchanged state. */
    private static final Step NOTHING_MORE = (f, given) -> { };

    private static Arguments outage(String name, Start start, Fault fault, Step request, Step afterwards) {
        return Arguments.of(name, start, fault, request, afterwards);
    }

    static Stream<Arguments> outages() {
        Step setup = (f, given) -> f.setup(ALICE);
        Step confirm = (f, given) -> f.confirm(ALICE, f.currentCode(given.secret()));
        Step verify = (f, given) -> f.verify(ALICE, f.currentCode(given.secret()));
        Step verifyWrong = (f, given) -> f.verify(ALICE, f.wrongCode(given.secret()));
        Step recover = (f, given) -> f.recover(ALICE, given.recoveryCode());
        Step recoverWrong = (f, given) -> f.recover(ALICE, f.unknownRecoveryCode());
        Step confirmWrong = (f, given) -> f.confirm(ALICE, f.wrongCode(given.secret()));
        Step regenerate = (f, given) -> f.regenerateRecoveryCodes.regenerate(ORIGIN, ALICE, f.currentCode(given.secret()));
        Step remove = (f, given) -> f.remove(ALICE, f.currentCode(given.secret()));
        Step stillEnabled = (f, given) ->
                assertEquals(EnrollmentStatus.ENABLED, f.getStatus.status(ALICE).status());
        return Stream.of(
                // setup
                outage("key service outage on setup writes nothing", Start.NOTHING, Fault.ENCRYPT, setup, NOTHING_MORE),
                outage("store outage on setup leaves no pending setup", Start.NOTHING, Fault.WRITE, setup,
                        (f, given) -> assertEquals(EnrollmentStatus.NONE, f.getStatus.status(ALICE).status())),
                outage("store outage on a restarted setup keeps the previous secret", Start.PENDING, Fault.WRITE, setup,
                        (f, given) -> assertDoesNotThrow(() -> confirm.run(f, given))),
                // reads, from every use case
                outage("store read outage on status", Start.ENABLED, Fault.READ, (f, given) -> f.getStatus.status(ALICE),
                        NOTHING_MORE),
                outage("store read outage on confirm", Start.ENABLED, Fault.READ, confirm, NOTHING_MORE),
                outage("store read outage on verify", Start.ENABLED, Fault.READ, verify, NOTHING_MORE),
                outage("store read outage on recover", Start.ENABLED, Fault.READ, recover, NOTHING_MORE),
                outage("store read outage on regenerate", Start.ENABLED, Fault.READ, regenerate, NOTHING_MORE),
                outage("store read outage on remove", Start.ENABLED, Fault.READ, remove, NOTHING_MORE),
                // confirm
                outage("key service outage on confirm leaves the setup pending and uncounted", Start.PENDING, Fault.DECRYPT,
                        confirm, (f, given) -> assertDoesNotThrow(() -> confirm.run(f, given))),
                outage("store outage on confirm leaves the setup pending and the code unused", Start.PENDING, Fault.WRITE,
                        confirm, (f, given) -> assertDoesNotThrow(() -> confirm.run(f, given), "the code was not consumed")),
                // verify
                outage("key service outage on verify changes nothing and is not counted", Start.ENABLED, Fault.DECRYPT,
                        verifyWrong, NOTHING_MORE),
                outage("store outage on verify does not consume the code", Start.ENABLED, Fault.WRITE, verify,
                        (f, given) -> assertDoesNotThrow(() -> verify.run(f, given))),
                outage("store outage while counting a failure leaves the count", Start.ENABLED, Fault.WRITE, verifyWrong,
                        NOTHING_MORE),
                // recover
                outage("store outage on recover keeps the recovery code", Start.ENABLED, Fault.WRITE, recover,
                        (f, given) -> assertDoesNotThrow(() -> recover.run(f, given))),
                // the token's signing key: prepared before anything is checked or written
                outage("signing key outage on confirm leaves the setup pending and the code unused", Start.PENDING,
                        Fault.SIGNING_KEY, confirm, (f, given) -> assertDoesNotThrow(() -> confirm.run(f, given))),
                outage("signing key outage on a wrong confirming code counts no failure", Start.PENDING,
                        Fault.SIGNING_KEY, confirmWrong, NOTHING_MORE),
                outage("signing key outage on verify does not consume the code", Start.ENABLED, Fault.SIGNING_KEY, verify,
                        (f, given) -> assertDoesNotThrow(() -> verify.run(f, given))),
                outage("signing key outage on a wrong code counts no failure", Start.ENABLED, Fault.SIGNING_KEY,
                        verifyWrong, NOTHING_MORE),
                outage("signing key outage on recover keeps the recovery code", Start.ENABLED, Fault.SIGNING_KEY, recover,
                        (f, given) -> assertDoesNotThrow(() -> recover.run(f, given))),
                outage("signing key outage on a wrong recovery code counts no failure", Start.ENABLED, Fault.SIGNING_KEY,
                        recoverWrong, NOTHING_MORE),
                // regenerate
                outage("key service outage on regenerate keeps the old codes", Start.ENABLED, Fault.DECRYPT, regenerate,
                        NOTHING_MORE),
                outage("store outage on regenerate keeps the old codes", Start.ENABLED, Fault.WRITE, regenerate,
                        (f, given) -> assertDoesNotThrow(() -> recover.run(f, given))),
                // remove
                outage("key service outage on remove keeps MFA enabled", Start.ENABLED, Fault.DECRYPT, remove, stillEnabled),
                outage("store outage on remove keeps MFA enabled", Start.ENABLED, Fault.WRITE,
                        (f, given) -> f.remove(ALICE, given.recoveryCode()), stillEnabled),
                outage("store outage on cancelling a pending setup keeps it", Start.PENDING, Fault.WRITE,
                        (f, given) -> f.removeMfa.remove(ORIGIN, ALICE, Optional.empty()), NOTHING_MORE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outages")
    void anOutagePropagatesAndChangesNothing(String name, Start start, Fault fault, Step request, Step afterwards)
            throws Throwable {
        Given given = start.arrange(f);
        Optional<Enrollment> before = f.maybeStored(ALICE);
        int writes = f.store.committedWrites();
        int tokens = f.tokenSigner.signedCount();
        DependencyUnavailableException outage = new DependencyUnavailableException(fault.dependency,
                "injected " + fault, null);
        fault.inject(f, outage);

        assertSame(outage, assertThrows(DependencyUnavailableException.class, () -> request.run(f, given)));

        assertEquals(before, f.maybeStored(ALICE));
        assertEquals(writes, f.store.committedWrites(), "nothing was written");
        assertEquals(tokens, f.tokenSigner.signedCount(), "no token was signed");
        afterwards.run(f, given);
    }

    @Test
    void recoverNeedsNoKeyService() {
        Fixture.Enabled enabled = f.enable(ALICE);
        int decrypts = f.cipher.decryptCalls();

        f.recover(ALICE, enabled.recoveryCode());

        assertEquals(decrypts, f.cipher.decryptCalls());
    }

    @Test
    void anOutageIsNotRetriedAsAConflict() {
        Fixture.Enabled enabled = f.enable(ALICE);
        f.store.failNextWrites(2, storeOutage());
        RecoveryCode code = enabled.recoveryCode();

        assertThrows(DependencyUnavailableException.class, () -> f.recover(ALICE, code));

        // Only one of the two injected failures was consumed: no silent retry of an outage.
        assertThrows(DependencyUnavailableException.class, () -> f.recover(ALICE, code));
        assertDoesNotThrow(() -> f.recover(ALICE, code));
    }
}

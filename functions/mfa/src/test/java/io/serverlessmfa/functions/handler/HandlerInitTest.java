package io.serverlessmfa.functions.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.serverlessmfa.functions.config.MfaConfiguration;
import io.serverlessmfa.functions.config.Wiring;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What each function builds in Lambda's init phase: only the clients its route needs. A KMS client
 * costs init time (and the function's role has no KMS permission where none is built).
 */
class HandlerInitTest {

    static Stream<Arguments> handlers() {
        return Stream.of(
                Arguments.of("status", (Function<Wiring, ?>) StatusHandler::new, false),
                Arguments.of("setup", (Function<Wiring, ?>) SetupHandler::new, true),
                Arguments.of("confirm", (Function<Wiring, ?>) ConfirmHandler::new, true),
                Arguments.of("verify", (Function<Wiring, ?>) VerifyHandler::new, true),
                // The MFA token signing key is sealed under KMS: recover unseals it, once per container.
                Arguments.of("recover", (Function<Wiring, ?>) RecoverHandler::new, true),
                Arguments.of("recovery-codes", (Function<Wiring, ?>) RecoveryCodesHandler::new, true),
                Arguments.of("remove", (Function<Wiring, ?>) RemoveHandler::new, true),
                Arguments.of("events", (Function<Wiring, ?>) EventsHandler::new, false),
                Arguments.of("admin stats", (Function<Wiring, ?>) AdminStatsHandler::new, false),
                Arguments.of("admin user", (Function<Wiring, ?>) AdminUserHandler::new, false),
                Arguments.of("admin reset", (Function<Wiring, ?>) AdminResetHandler::new, false),
                // Public keys only: the JWKS and the step-up never unseal anything.
                Arguments.of("jwks", (Function<Wiring, ?>) JwksHandler::new, false),
                Arguments.of("discovery", (Function<Wiring, ?>) DiscoveryHandler::new, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("handlers")
    void aFunctionBuildsAKmsClientOnlyIfItsRouteTouchesASecretOrTheSigningKey(String name, Function<Wiring, ?> handler,
                                                                 boolean needsKms) {
        Wiring wiring = new Wiring(MfaConfiguration.fromEnvironment(Map.of(MfaConfiguration.TABLE_NAME, "t",
                MfaConfiguration.KMS_KEY_ID, "alias/k", MfaConfiguration.REGION, "eu-west-1")), Clock.systemUTC(),
                new SecureRandom());

        handler.apply(wiring);

        assertEquals(needsKms, wiring.builtKmsClient(), name);
    }
}

package io.serverlessmfa.functions.handler;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.serverlessmfa.core.audit.SecurityEvent;
import io.serverlessmfa.core.enrollment.Enrollment;
import io.serverlessmfa.core.enrollment.EnrollmentStore;
import io.serverlessmfa.core.enrollment.FreshSignIn;
import io.serverlessmfa.core.enrollment.SetupChangeWindow;
import io.serverlessmfa.functions.config.MfaConfiguration;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.JsonObject;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A route descriptor builds a function's two paths: the live one over the store, and SnapStart's
 * priming one, whose writes go nowhere and before which the route's pure warm-ups run, once, in
 * the order declared. No AWS here: a writing route's use case is only built, never run.
 */
class RouteDescriptorTest {

    private final List<String> ran = new ArrayList<>();

    @Test
    void aWritingRoutesUseCaseIsBuiltOverTheStoreAndOverAStoreThatDropsWrites() {
        CountingStore store = new CountingStore();
        List<EnrollmentStore> builtOver = new ArrayList<>();
        Route route = Route.writing("test", "POST /mfa/test", built -> {
            builtOver.add(built);
            return built;
        }, (useCase, request) -> ok());

        route.paths(() -> store);

        assertEquals(2, builtOver.size(), "built once per path");
        assertSame(store, builtOver.get(0), "the live path writes to the store");
        EnrollmentStore priming = builtOver.get(1);
        assertNotSame(store, priming);
        priming.replace(null, null, Optional.empty());
        priming.delete(null, null);
        assertEquals(0, store.writes, "priming's writes never reach the store");
        priming.find("anyone");
        assertEquals(1, store.reads, "priming reads the store");
    }

    @Test
    void aReadingRouteNeedsNoStoreAndPrimesWithItsLivePath() {
        Route route = Route.reading("test", "GET /mfa/test", request -> ok());

        Route.Paths paths = route.paths(() -> {
            throw new AssertionError("a reading route asked for the enrollment store");
        });

        assertSame(paths.live(), paths.priming());
    }

    @Test
    void primingWarmUpsRunOnceInTheOrderDeclaredAndOnlyBeforePriming() {
        Wiring wiring = offlineWiring();
        MfaFunction function = new MfaFunction(wiring, Route.reading("test", "GET /mfa/test", request -> {
            ran.add("route");
            return ok();
        }).primedAlso(() -> ran.add("first warm-up")).primedAlso(() -> ran.add("second warm-up"))) {
        };

        function.prime();
        assertEquals(List.of("first warm-up", "second warm-up", "route"), ran);

        ran.clear();
        function.invoke(Priming.userEvent("GET /mfa/test", null, Instant.parse("2026-11-28T10:15:30Z")), null);
        assertEquals(List.of(), ran, "the priming user is refused on a live request, before any warm-up or route");
    }

    @Test
    void theHelpdesksRoutesArePrimedAsAnOperatorAndTheOthersAsAUserJustSignedIn() {
        Instant now = Instant.parse("2026-11-28T10:15:30.250Z");
        Map<String, String> operator = Route.reading("test", "GET /admin/mfa/test", request -> ok())
                .primingEvent("helpdesk", now).getRequestContext().getAuthorizer().getJwt().getClaims();
        Map<String, String> user = Route.reading("test", "GET /mfa/test", request -> ok())
                .primingEvent("helpdesk", now).getRequestContext().getAuthorizer().getJwt().getClaims();

        assertEquals("[helpdesk]", operator.get("cognito:groups"));
        assertEquals(null, user.get("cognito:groups"));
        assertEquals(Priming.USER_ID, user.get("sub"));
        // Setup, regeneration and removal need a fresh sign-in: priming's passes, so their real path runs.
        assertEquals("1795860930", user.get("auth_time"));
        assertDoesNotThrow(() -> new FreshSignIn(FreshSignIn.MIN_MAX_AGE, Clock.fixed(now, ZoneOffset.UTC)).require(user));
    }

    @Test
    void aRouteKeyIsAMethodAndAPathAsTheTemplateWritesIt() {
        assertThrows(IllegalArgumentException.class, () -> Route.reading("test", "/mfa", request -> ok()));
        assertThrows(IllegalArgumentException.class, () -> Route.reading("test", "POST mfa", request -> ok()));
        assertThrows(IllegalArgumentException.class, () -> Route.reading("test", "DELETE /mfa", request -> ok()));
    }

    private static ApiResponse ok() {
        return ApiResponse.json(200, JsonObject.create().field("ok", true).build());
    }

    private static Wiring offlineWiring() {
        return new Wiring(MfaConfiguration.fromEnvironment(Map.of(MfaConfiguration.TABLE_NAME, "t",
                MfaConfiguration.KMS_KEY_ID, "alias/k", MfaConfiguration.REGION, "eu-west-1")), Clock.systemUTC(),
                new SecureRandom());
    }

    /** Counts what reaches it. */
    private static final class CountingStore implements EnrollmentStore {

        int reads;
        int writes;

        @Override
        public Optional<Enrollment> find(String userId) {
            reads++;
            return Optional.empty();
        }

        @Override
        public void savePending(Optional<Enrollment> current, Enrollment.Pending pending, SecurityEvent event,
                                SetupChangeWindow window) {
            writes++;
        }

        @Override
        public void cancelPending(Enrollment.Pending current, SecurityEvent event, SetupChangeWindow window) {
            writes++;
        }

        @Override
        public void replace(Enrollment current, Enrollment next, Optional<SecurityEvent> event) {
            writes++;
        }

        @Override
        public void delete(Enrollment current, SecurityEvent event, Optional<SecurityEvent> operatorEvent) {
            writes++;
        }
    }
}

package io.serverlessmfa.functions.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.serverlessmfa.core.enrollment.EnrollmentStore;
import io.serverlessmfa.functions.http.ApiRequest;
import io.serverlessmfa.functions.http.ApiResponse;
import java.time.Instant;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What one function serves, said once: its name (in logs and metrics), its route key as
 * template.yaml declares it, how its use case is built from a store, and how a request becomes an
 * answer. {@link MfaFunction} builds from it both the live path and SnapStart's priming path, so a
 * handler never writes either twice.
 *
 * <p>A writing route's use case is built twice over the one store: once over the store itself, and
 * once over {@link Priming#readOnly} for priming, where every write is dropped. A reading route
 * (one that never writes) serves priming with its live path.
 */
final class Route {

    /** How a request becomes an answer, given the route's use case. */
    @FunctionalInterface
    interface Answer<U> extends BiFunction<U, ApiRequest, ApiResponse> {
    }

    /** The live path and the priming path of a route. */
    record Paths(Function<ApiRequest, ApiResponse> live, Function<ApiRequest, ApiResponse> priming) {
    }

    private final String name;
    private final String key;
    private final Function<Supplier<EnrollmentStore>, Paths> paths;
    private final String primingBody;
    private final Runnable primingWarmUp;
    private final boolean open;

    private Route(String name, String key, Function<Supplier<EnrollmentStore>, Paths> paths, String primingBody,
                  Runnable primingWarmUp, boolean open) {
        this.name = Objects.requireNonNull(name, "name");
        this.key = Objects.requireNonNull(key, "key");
        if (!key.matches("(GET|POST) /\\S*")) {
            throw new IllegalArgumentException("a route key is METHOD /path, as template.yaml has it: " + key);
        }
        this.paths = paths;
        this.primingBody = primingBody;
        this.primingWarmUp = primingWarmUp;
        this.open = open;
    }

    /**
     * A route whose use case may write: built over the store, and again over
     * {@link Priming#readOnly} (the same store with every write dropped) for priming.
     */
    static <U> Route writing(String name, String key, Function<EnrollmentStore, U> useCase, Answer<U> answer) {
        Function<EnrollmentStore, Function<ApiRequest, ApiResponse>> over = store -> {
            U built = useCase.apply(store);
            return request -> answer.apply(built, request);
        };
        return new Route(name, key, store -> {
            EnrollmentStore shared = store.get();
            return new Paths(over.apply(shared), over.apply(Priming.readOnly(shared)));
        }, null, () -> { }, false);
    }

    /** A route that never writes: priming runs its whole live path, and it needs no enrollment store of its own. */
    static Route reading(String name, String key, Function<ApiRequest, ApiResponse> answer) {
        return new Route(name, key, store -> new Paths(answer, answer), null, () -> { }, false);
    }

    /**
     * A public route (no JWT authorizer in template.yaml, e.g. the JWKS): no caller, no body;
     * priming runs its whole live path, as for a reading route.
     */
    static Route open(String name, String key, Function<ApiRequest, ApiResponse> answer) {
        return new Route(name, key, store -> new Paths(answer, answer), null, () -> { }, true);
    }

    /** The priming request's JSON body (none by default): well-formed, and matching no one's secret. */
    Route primedWithBody(String body) {
        return new Route(name, key, paths, body, primingWarmUp, open);
    }

    /**
     * Pure work the priming request cannot reach (it stops at the priming user's read), run apart
     * before it so that its classes are in the snapshot too: e.g. a TOTP check on a throwaway key.
     */
    Route primedAlso(Runnable warmUp) {
        Runnable before = primingWarmUp;
        return new Route(name, key, paths, primingBody, () -> {
            before.run();
            warmUp.run();
        }, open);
    }

    /** The request as the route reads it: a signed-in caller's, or, on a public route, anyone's. */
    ApiRequest request(APIGatewayV2HTTPEvent event) {
        return open ? ApiRequest.anonymous(event) : ApiRequest.from(event);
    }

    /** Whether the route is public (template.yaml gives it no authorizer). */
    boolean isOpen() {
        return open;
    }

    String name() {
        return name;
    }

    String key() {
        return key;
    }

    /** The two paths; {@code store} is asked for only by a writing route. */
    Paths paths(Supplier<EnrollmentStore> store) {
        return paths.apply(store);
    }

    /**
     * The priming request at {@code now}: the reserved user, just signed in, as an operator (of
     * {@code operatorGroup}) on the helpdesk's routes.
     */
    APIGatewayV2HTTPEvent primingEvent(String operatorGroup, Instant now) {
        return key.contains(" /admin/") ? Priming.operatorEvent(key, operatorGroup) : Priming.userEvent(key, primingBody, now);
    }

    void warmUpForPriming() {
        primingWarmUp.run();
    }
}

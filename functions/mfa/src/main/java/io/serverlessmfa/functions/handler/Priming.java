package io.serverlessmfa.functions.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.serverlessmfa.core.audit.ReservedUsers;
import io.serverlessmfa.core.audit.SecurityEvent;
import io.serverlessmfa.core.enrollment.Enrollment;
import io.serverlessmfa.core.enrollment.EnrollmentStore;
import io.serverlessmfa.core.enrollment.SetupChangeWindow;
import io.serverlessmfa.core.secret.TotpSecretGenerator;
import io.serverlessmfa.core.totp.SecretKeys;
import io.serverlessmfa.core.totp.TotpCode;
import io.serverlessmfa.core.totp.TotpSettings;
import io.serverlessmfa.functions.config.Wiring;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What SnapStart priming runs a route with (see {@link MfaFunction#prime()}): a synthetic API
 * Gateway event for a reserved user, and use cases over a store that drops every write.
 *
 * <p>The priming user is {@value #USER_ID}. Subjects that start with {@value #RESERVED_PREFIX} are
 * reserved: a real request whose token carries one is answered 401 before any route runs
 * ({@link MfaFunction#handleRequest}), so no one can set MFA up as the priming user, and it can
 * never have an enrollment, a lock, an audit event or a count. (A Cognito user pool never issues
 * such a {@code sub}: its subjects are UUIDs; other issuers are held to it by that check.) Its
 * e-mail address is in {@code .invalid}, which can never resolve (RFC 2606 §2).
 *
 * <p>What no route primes, because it cannot be done without an effect: KMS Decrypt and
 * DynamoDB's writes. Decrypt needs a ciphertext, and the only ones are users' secrets; a made-up
 * one fails exactly as tampering does (a fault line here, a failed Decrypt in CloudTrail), which
 * must stay a signal. A write, even one made to fail its condition, is billed and reported by
 * DynamoDB. So the first request of a restored environment that decrypts or writes still loads
 * the marshalling of Decrypt and TransactWriteItems; the SDK machinery they share with the primed
 * read (credentials, signing, the HTTP client, the JSON protocol) is warm.
 */
final class Priming {

    /** The subjects no token may use: the service's own (nothing about them is ever published either). */
    static final String RESERVED_PREFIX = ReservedUsers.PREFIX;
    /** The user every route is primed for. */
    static final String USER_ID = RESERVED_PREFIX + "snapstart-priming";
    /** The priming request's domain (RFC 2606 §2: .invalid never resolves), from which a route may derive the token issuer. */
    static final String DOMAIN_NAME = "snapstart-priming.invalid";
    /** The priming request's id, in place of Lambda's. */
    static final String REQUEST_ID = "snapstart-priming";

    private Priming() {
    }

    static boolean isReserved(String subject) {
        return ReservedUsers.isReserved(subject);
    }

    /**
     * The priming user's request on {@code route} (e.g. {@code POST /mfa/verify}), with a JSON body or
     * none, from a sign-in at {@code signedInAt}: priming at init, just signed in, so the routes that
     * need a fresh sign-in (FreshSignIn) run their real path past that check.
     */
    static APIGatewayV2HTTPEvent userEvent(String route, String body, Instant signedInAt) {
        return event(route, Map.of("sub", USER_ID, "email", "snapstart-priming@serverless-mfa.invalid",
                "auth_time", Long.toString(signedInAt.getEpochSecond())), body, Map.of());
    }

    /**
     * The priming user as an operator on {@code route}, looking up or resetting the priming user
     * itself (the {@code userId} path parameter): never a real user's data.
     */
    static APIGatewayV2HTTPEvent operatorEvent(String route, String operatorGroup) {
        return event(route, Map.of("sub", USER_ID, "cognito:groups", "[" + operatorGroup + "]"), null,
                Map.of("userId", USER_ID));
    }

    /** {@code {"code":"000000"}}: well-formed, and checked against no one's secret. */
    static String codeBody(int digits) {
        return "{\"code\":\"" + "0".repeat(digits) + "\"}";
    }

    /** A well-formed recovery code, checked against no one's hashes. */
    static String recoveryCodeBody() {
        return "{\"recoveryCode\":\"AAAA-AAAA-AAAA-AAAA-AAAA-AAAA\"}";
    }

    /**
     * {@code store}'s reads, with every write dropped. The priming user has nothing stored, so the
     * code-checking routes stop at their read anyway; this is what keeps setup, whose path ends in
     * a write for a user without MFA, from writing, and it keeps every route from writing even if
     * an item for the priming user were ever put in the table by hand.
     */
    static EnrollmentStore readOnly(EnrollmentStore store) {
        return new ReadOnlyStore(store);
    }

    /**
     * One TOTP check with the configured algorithm, digits and window, over an all-zero key that is
     * no one's secret, its answer dropped: the HMAC path a code-checking route takes after KMS
     * Decrypt, which the priming user's request never reaches.
     */
    static void checkTotp(Wiring wiring) {
        TotpSettings totp = wiring.policy().totp();
        TotpCode code = TotpCode.parse("0".repeat(totp.digits()), totp.digits()).orElseThrow();
        wiring.verifier().verify(SecretKeys.forTotp(new byte[TotpSecretGenerator.SECRET_BYTES], totp.algorithm()), code,
                wiring.clock().instant(), -1);
    }

    /**
     * Issues and checks one recovery code under a throwaway key and drops both, unseen and
     * unstored: the generator, Base32, SHA-256 and HMAC-SHA-256. The real hash key is not unsealed
     * before the snapshot (no KMS call in priming; a key in the snapshot would be in every
     * environment restored from it). It draws on the shared SecureRandom before the snapshot,
     * which {@link Wiring#afterRestore()} reseeds in every restored environment.
     */
    static void hashRecoveryCode(Wiring wiring) {
        wiring.warmUpRecoveryCodes(USER_ID);
    }

    /**
     * One ES256 signature and its check with a throwaway key: the signing a route that issues MFA
     * tokens does after its write, which the priming request never reaches. The real signing key
     * is not unsealed before the snapshot: KMS is not called in priming, and a key in the snapshot
     * would outlive its rotation in every environment restored from it.
     */
    static void signToken(Wiring wiring) {
        wiring.warmUpTokenSigning();
    }

    private static APIGatewayV2HTTPEvent event(String route, Map<String, String> claims, String body,
                                               Map<String, String> pathParameters) {
        String[] methodAndPath = route.split(" ", 2);
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(route)
                .withRawPath(methodAndPath[1])
                .withRawQueryString("")
                .withHeaders(body == null ? Map.of() : Map.of("content-type", "application/json"))
                .withPathParameters(pathParameters)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId(REQUEST_ID)
                        .withRouteKey(route)
                        .withStage("$default")
                        .withDomainName(DOMAIN_NAME)
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(methodAndPath[0]).withPath(methodAndPath[1]).withProtocol("HTTP/1.1")
                                .withUserAgent(REQUEST_ID).build())
                        .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                                        .withClaims(claims).build())
                                .build())
                        .build())
                .withBody(body)
                .withIsBase64Encoded(false)
                .build();
    }

    /** Reads from the table; writes go nowhere. */
    private record ReadOnlyStore(EnrollmentStore store) implements EnrollmentStore {

        @Override
        public Optional<Enrollment> find(String userId) {
            return store.find(userId);
        }

        /**
         * Setup writes without reading first, so this read stands in for its write: it primes the
         * DynamoDB client the write goes through (credentials, signing, HTTP, the JSON protocol).
         */
        @Override
        public void savePending(Optional<Enrollment> current, Enrollment.Pending pending, SecurityEvent event,
                                SetupChangeWindow window) {
            store.find(pending.userId());
        }

        @Override
        public void cancelPending(Enrollment.Pending current, SecurityEvent event, SetupChangeWindow window) {
        }

        @Override
        public void replace(Enrollment current, Enrollment next, Optional<SecurityEvent> event) {
        }

        @Override
        public void delete(Enrollment current, SecurityEvent event, Optional<SecurityEvent> operatorEvent) {
        }
    }
}

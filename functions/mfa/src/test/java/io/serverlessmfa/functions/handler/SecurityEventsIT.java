package io.serverlessmfa.functions.handler;

import static io.serverlessmfa.functions.testing.ContractAssertions.assertError;
import static io.serverlessmfa.functions.testing.ContractAssertions.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.core.audit.RequestOrigin;
import io.serverlessmfa.core.audit.SecurityEvent;
import io.serverlessmfa.core.audit.SecurityEventType;
import io.serverlessmfa.core.enrollment.Enrollment;
import io.serverlessmfa.core.enrollment.EnrollmentStore;
import io.serverlessmfa.functions.config.MfaConfiguration;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.events.PublishSecurityEventsFunction;
import io.serverlessmfa.functions.events.StreamEventSource;
import io.serverlessmfa.functions.testing.ApiResult;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.FaultProxy;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MfaFixtures;
import io.serverlessmfa.functions.testing.MutableClock;
import io.serverlessmfa.functions.testing.SecurityEventQueue;
import io.serverlessmfa.functions.testing.SecurityEventQueue.Delivered;
import io.serverlessmfa.functions.testing.TestUser;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * The security events on EventBridge (docs/notifications.md), end to end over the emulator: the
 * handlers commit changes, the table's stream carries the audit items, {@link StreamEventSource}
 * delivers them as Lambda's event source mapping would to {@link PublishSecurityEventsFunction},
 * which publishes them on a bus where a rule sends them to an SQS queue: what a consumer gets.
 */
class SecurityEventsIT {

    private static final Set<String> DETAIL_FIELDS = Set.of("eventId", "type", "userId", "time");
    private static final Map<SecurityEventType, String> DETAIL_TYPES = Map.of(
            SecurityEventType.SETUP_STARTED, "MFA Setup Started",
            SecurityEventType.SETUP_CANCELLED, "MFA Setup Cancelled",
            SecurityEventType.MFA_ENABLED, "MFA Enabled",
            SecurityEventType.LOCKED_OUT, "MFA Locked Out",
            SecurityEventType.LOCKED_UNTIL_RESET, "MFA Locked Until Reset",
            SecurityEventType.RECOVERY_CODE_USED, "MFA Recovery Code Used",
            SecurityEventType.RECOVERY_CODES_REGENERATED, "MFA Recovery Codes Regenerated",
            SecurityEventType.MFA_REMOVED, "MFA Removed",
            SecurityEventType.ADMIN_RESET, "MFA Reset By Helpdesk",
            SecurityEventType.ADMIN_RESET_PERFORMED, "MFA Helpdesk Reset Performed");
    private static final String REASON = "Lost phone and recovery code; identity checked by a video call";

    private AwsEmulator emulator;
    private MutableClock clock;
    private MfaApi api;
    private MfaFixtures fixtures;
    private SecurityEventQueue queue;
    private final TestUser alice = TestUser.random();
    private final TestUser bob = TestUser.random();
    private final TestUser operator = TestUser.operator();
    private final TestUser carol = TestUser.random();

    @BeforeEach
    void setUp() {
        emulator = AwsEmulator.get();
        clock = MutableClock.atStepStart();
        api = MfaApi.over(emulator, clock, Map.of());
        fixtures = new MfaFixtures(api, clock);
        queue = SecurityEventQueue.create(emulator);
    }

    /** The publisher over the emulator's bus of this test, fed from the stream's current end. */
    private StreamEventSource publisher(Wiring wiring) {
        return StreamEventSource.fromLatest(emulator.dynamoDb(), emulator.dynamoDbStreams(), emulator.tableName(),
                new PublishSecurityEventsFunction(wiring));
    }

    private Wiring publisherWiring(Map<String, String> overrides) {
        Map<String, String> environment = new HashMap<>(queue.environment());
        environment.putAll(overrides);
        return emulator.wiring(clock, environment);
    }

    @Test
    void aWholeJourneyOfTwoUsersArrivesOnTheRulesQueueOnceEachInOrderPerUserWithItsDetail() {
        // Counted for docs/performance.md ("Security events"): the PutEvents calls, their entries and sizes.
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger entries = new AtomicInteger();
        AtomicInteger largestEntry = new AtomicInteger();
        ExecutionInterceptor counter = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof PutEventsRequest request) {
                    calls.incrementAndGet();
                    entries.addAndGet(request.entries().size());
                    // EventBridge's entry size: Time 14 bytes, Source, DetailType and Detail in UTF-8.
                    request.entries().forEach(entry -> largestEntry.accumulateAndGet(14
                            + utf8(entry.source()) + utf8(entry.detailType()) + utf8(entry.detail()), Math::max));
                }
            }
        };
        StreamEventSource source = publisher(publisherWiring(Map.of()).withEventBridge(client(counter)));
        Map<String, List<SecurityEventType>> expected = journey();

        assertTrue(source.drain(20), "the publisher caught up with the stream");
        List<Delivered> delivered = queue.takeAll();
        System.out.println("security events: " + delivered.size() + " events for two users' journeys and an operator ("
                + expected.get(alice.sub()).size() + " in one user's journey), " + calls.get() + " PutEvents calls of "
                + entries.get() + " entries, largest entry " + largestEntry.get() + " bytes");
        assertEquals(delivered.size(), entries.get(), "each event put once");

        assertEquals(expected, byTrail(delivered), "every committed event once, in commit order per user");
        Set<String> ids = new LinkedHashSet<>();
        for (Delivered event : delivered) {
            SecurityEventType type = SecurityEventType.valueOf(event.type());
            assertEquals("serverless-mfa", event.source(), event::body);
            assertEquals(DETAIL_TYPES.get(type), event.detailType(), event::body);
            assertTrue(event.eventId().matches("[0-9a-f]{32}"), event::body);
            assertTrue(ids.add(event.eventId()), () -> "an id names one event: " + event.body());
            Instant at = Instant.parse(event.detail().get("time"));
            assertEquals(at.truncatedTo(ChronoUnit.SECONDS), Instant.parse(event.time()), "the envelope's time is the event's");
            Set<String> fields = new LinkedHashSet<>(DETAIL_FIELDS);
            if (type == SecurityEventType.ADMIN_RESET || type == SecurityEventType.ADMIN_RESET_PERFORMED) {
                fields.add("reason");
                assertEquals(REASON, event.detail().get("reason"), event::body);
            }
            if (type == SecurityEventType.ADMIN_RESET_PERFORMED) {
                fields.add("resetUserId");
                assertEquals(operator.sub(), event.userId(), () -> "the operator's record is the operator's: " + event.body());
            } else {
                assertFalse(event.body().contains(operator.sub()) && !event.userId().equals(operator.sub()),
                        () -> "the user never sees the operator's id: " + event.body());
            }
            assertEquals(fields, event.detail().keySet(), event::body);
            assertFalse(event.body().contains("127.0.0.1") || event.body().contains("integration-test"),
                    () -> "no address or browser: " + event.body());
        }
        // The operator's record of each reset names the user reset, whose own record is in their trail.
        assertEquals(Set.of(alice.sub(), bob.sub()), delivered.stream()
                .filter(event -> event.type().equals("ADMIN_RESET_PERFORMED")).map(event -> event.detail().get("resetUserId"))
                .collect(java.util.stream.Collectors.toSet()));
        assertTrue(source.drain(1), "nothing more: each event once");
        assertEquals(List.of(), queue.takeAll());
    }

    @Test
    void nothingIsPublishedForPrimingARefusedRequestOrACancelledTransaction() throws Exception {
        StreamEventSource source = publisher(publisherWiring(Map.of()).withEventBridge(emulator.eventBridge()));
        Wiring wiring = emulator.wiring(clock, Map.of());

        // SnapStart priming of every route, the helpdesk's reset included: its store drops the writes.
        for (MfaFunction handler : List.of(new StatusHandler(wiring), new SetupHandler(wiring), new ConfirmHandler(wiring),
                new VerifyHandler(wiring), new RecoverHandler(wiring), new RecoveryCodesHandler(wiring),
                new RemoveHandler(wiring), new EventsHandler(wiring), new AdminUserHandler(wiring),
                new AdminResetHandler(wiring))) {
            handler.prime();
        }

        MfaFixtures.Enabled enabled = fixtures.enabled(alice);
        // Refused requests: a wrong code (no lock yet), a 409, malformed bodies, a wrong recovery code.
        assertError(400, "invalid_code", api.verify(alice, fixtures.wrongCode(enabled.secret())));
        assertError(409, "mfa_already_enabled", api.setup(alice));
        assertError(400, "invalid_request", api.call("POST /mfa/verify", alice, "{\"code\":12}"));
        assertError(400, "invalid_request", api.call("POST /mfa/remove", alice, "not json"));
        assertError(400, "invalid_recovery_code", api.recover(alice, MfaFixtures.wrongRecoveryCode()));
        assertError(409, "mfa_not_enabled", api.verify(bob, "123456"));

        // A cancelled transaction: a removal written over a stale read loses to the change made since.
        EnrollmentStore store = wiring.store();
        Enrollment stale = store.find(alice.sub()).orElseThrow();
        assertSuccess(200, api.regenerate(alice, fixtures.nextCode(enabled.secret())));
        assertThrows(RuntimeException.class, () -> store.delete(stale,
                SecurityEvent.of(SecurityEventType.MFA_REMOVED, clock.instant(), RequestOrigin.unknown())));
        fixtures.assertStatus(alice, "ENABLED");

        assertTrue(source.drain(20));
        List<Delivered> delivered = queue.takeAll();
        assertEquals(Map.of(alice.sub(), List.of(SecurityEventType.SETUP_STARTED, SecurityEventType.MFA_ENABLED,
                SecurityEventType.RECOVERY_CODES_REGENERATED)), byTrail(delivered),
                "only the committed changes: " + delivered);
    }

    @Test
    void aBusThatFailsIsRetriedFromTheFirstUnpublishedEventAndLosesNothing() {
        try (FaultProxy proxy = FaultProxy.start(emulator.endpoint())) {
            // The production client (retries, timeouts) through the proxy; DynamoDB and KMS direct.
            StreamEventSource source = publisher(publisherWiring(Map.of(MfaConfiguration.ENDPOINT_URL, proxy.endpoint())));

            // A fault the client's own retry absorbs: published at once.
            proxy.inject(FaultProxy.Fault.INTERNAL_ERROR, call -> call.action().equals("PutEvents") && call.occurrence() == 1);
            fixtures.pending(carol);
            assertEquals(new StreamEventSource.Poll(1, 0), source.poll(), "a single fault is retried by the client");
            assertEquals(1, proxy.injected());
            assertEquals(Map.of(carol.sub(), List.of(SecurityEventType.SETUP_STARTED)), byTrail(queue.takeAll()));

            // The bus down for longer than the client retries: nothing lost, order kept, once recovered.
            proxy.clear();
            proxy.fail(operation -> operation.endsWith(".PutEvents"), 500, "InternalException");
            Map<String, List<SecurityEventType>> expected = journey();
            for (int poll = 0; poll < 3; poll++) {
                StreamEventSource.Poll result = source.poll();
                assertTrue(result.handedBack() > 0, "every record handed back while the bus is down");
            }
            assertEquals(List.of(), queue.takeAll(), "nothing published while the bus is down");
            proxy.clear();
            assertTrue(source.drain(40));
            assertEquals(expected, byTrail(queue.takeAll()), "every event once, in commit order per user");
        }
    }

    /**
     * PutEvents under each fault of the fault matrix (FaultMatrixIT: a reset connection, a stall past
     * the client's timeout, throttling, an internal error), once and from then on, through the
     * production client (its retries and timeouts). Once: the client's retry absorbs it and the
     * events are published at the first poll. From then on: every record is handed back and nothing
     * is published; when the bus is back, each event arrives once, in order.
     */
    @ParameterizedTest(name = "{0}, lasting: {1}")
    @MethodSource("putEventsFaults")
    void putEventsUnderEachFaultIsRetriedAndLosesNothing(FaultProxy.Fault fault, boolean lasting) {
        try (FaultProxy proxy = FaultProxy.start(emulator.endpoint())) {
            StreamEventSource source = publisher(publisherWiring(Map.of(MfaConfiguration.ENDPOINT_URL, proxy.endpoint())));
            proxy.inject(fault, call -> call.action().equals("PutEvents") && (lasting || call.occurrence() == 1));
            MfaFixtures.Enabled enabled = fixtures.enabled(carol);
            assertSuccess(200, api.removeWithCode(carol, api.codeFor(enabled.secret())));
            List<SecurityEventType> expected = List.of(SecurityEventType.SETUP_STARTED, SecurityEventType.MFA_ENABLED,
                    SecurityEventType.MFA_REMOVED);

            StreamEventSource.Poll first = source.poll();
            assertTrue(proxy.injected() >= 1, "the fault was injected");
            if (lasting) {
                assertEquals(new StreamEventSource.Poll(3, 3), first, "every record handed back");
                assertEquals(List.of(), queue.takeAll(), "nothing published while the bus fails");
                proxy.clear();
            } else {
                assertEquals(new StreamEventSource.Poll(3, 0), first, "the client's retry absorbed the fault");
            }
            assertTrue(source.drain(5));
            assertEquals(Map.of(carol.sub(), expected), byTrail(queue.takeAll()), "each event once, in order");
        }
    }

    static Stream<Arguments> putEventsFaults() {
        return Stream.of(FaultProxy.Fault.values())
                .flatMap(fault -> Stream.of(Arguments.of(fault, false), Arguments.of(fault, true)));
    }

    @Test
    void entriesTheBusRefusesArePublishedAgainWithTheirIdsAndNoUsersLaterEventOvertakesThem() {
        // The bus refuses the first entry of each of the first two calls with two entries or more
        // (the emulator answers a malformed detail with an entry error, as EventBridge does).
        AtomicInteger refusals = new AtomicInteger();
        ExecutionInterceptor refuseFirstEntry = new ExecutionInterceptor() {
            @Override
            public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
                if (context.request() instanceof PutEventsRequest request && request.entries().size() >= 2
                        && refusals.get() < 2) {
                    refusals.incrementAndGet();
                    List<PutEventsRequestEntry> entries = new ArrayList<>(request.entries());
                    entries.set(0, entries.get(0).toBuilder().detail("{not json").build());
                    return request.toBuilder().entries(entries).build();
                }
                return context.request();
            }
        };
        StreamEventSource source = publisher(publisherWiring(Map.of()).withEventBridge(client(refuseFirstEntry)));

        Map<String, List<SecurityEventType>> expected = journey();
        assertTrue(source.drain(40));
        List<Delivered> delivered = queue.takeAll();

        assertEquals(2, refusals.get(), "the bus refused two entries");
        Map<String, Delivered> firstById = new LinkedHashMap<>();
        for (Delivered event : delivered) {
            Delivered first = firstById.putIfAbsent(event.eventId(), event);
            if (first != null) {
                assertEquals(first.detail(), event.detail(), "a duplicate is the same event, with the same id");
            }
        }
        assertTrue(delivered.size() > firstById.size(), "the other entries of a refused call were published again");
        assertEquals(expected, byTrail(List.copyOf(firstById.values())),
                "with duplicates dropped by id: every event, in commit order per user");
    }

    /**
     * One audit entry this version cannot read (a type written by a later release that was rolled
     * back, or an item with a reason of a shape the reader refuses) holds back no other user's
     * events on its shard: handed back, it would stall the shard for a day on every poll.
     */
    @ParameterizedTest(name = "unreadable entry: {0}")
    @MethodSource("unreadableEntries")
    void oneUnreadableEntryDoesNotHoldBackOtherUsersEvents(String name, Map<String, AttributeValue> extra) {
        StreamEventSource source = publisher(publisherWiring(Map.of()).withEventBridge(emulator.eventBridge()));
        long at = clock.instant().toEpochMilli();
        Map<String, AttributeValue> item = new HashMap<>(Map.of(
                "pk", AttributeValue.fromS("USER#" + bob.sub()),
                "sk", AttributeValue.fromS(
                        "EVENT#" + String.format("%013d", at) + "#00112233445566ff"),
                "at", AttributeValue.fromN(Long.toString(at))));
        item.putAll(extra);
        emulator.dynamoDb().putItem(request -> request.tableName(emulator.tableName()).item(item));
        clock.advance(Duration.ofMillis(7));

        fixtures.enabled(alice);

        boolean caughtUp;
        try {
            caughtUp = source.drain(10);
        } catch (RuntimeException functionError) {
            caughtUp = false;
        }
        assertEquals(Map.of(alice.sub(), List.of(SecurityEventType.SETUP_STARTED, SecurityEventType.MFA_ENABLED)),
                byTrail(queue.takeAll()), "another user's events are published despite bob's unreadable entry");
        assertTrue(caughtUp, "the publisher gets past the unreadable entry (counted and alarmed, not handed back)");
    }

    static Stream<Arguments> unreadableEntries() {
        return Stream.of(
                Arguments.of("a later release's type", Map.of(
                        "type", AttributeValue.fromS("AUTHENTICATOR_ADDED"))),
                Arguments.of("a reason the reader refuses", Map.of(
                        "type", AttributeValue.fromS("ADMIN_RESET"),
                        "actor", AttributeValue.fromS("op"),
                        "reason", AttributeValue.fromS("bad\u0007reason"))));
    }

    /**
     * Alice and Bob each go through the whole journey, step by step in turn (so their events
     * interleave in the stream): setup cancelled, setup, confirm, verify, a recovery code used, new
     * recovery codes, a lock, a helpdesk reset, setup and confirm again, removal. The events each
     * trail must publish, in order, by trail owner (the operator's trail holds their own setup and
     * their record of each reset).
     */
    private Map<String, List<SecurityEventType>> journey() {
        Map<TestUser, String> secrets = new HashMap<>();
        Map<TestUser, String> recoveryCodes = new HashMap<>();
        Map<String, List<SecurityEventType>> expected = new LinkedHashMap<>();
        List<java.util.function.Function<TestUser, List<SecurityEventType>>> steps = List.of(
                user -> {
                    fixtures.pending(user);
                    return List.of(SecurityEventType.SETUP_STARTED);
                },
                user -> {
                    assertSuccess(200, api.call("POST /mfa/remove", user, "{}"));
                    return List.of(SecurityEventType.SETUP_CANCELLED);
                },
                user -> {
                    secrets.put(user, fixtures.pending(user));
                    return List.of(SecurityEventType.SETUP_STARTED);
                },
                user -> {
                    ApiResult confirmed = assertSuccess(200, api.confirm(user, api.codeFor(secrets.get(user))));
                    recoveryCodes.put(user, confirmed.texts("recoveryCodes").get(0));
                    return List.of(SecurityEventType.MFA_ENABLED);
                },
                user -> {
                    assertSuccess(200, api.verify(user, fixtures.nextCode(secrets.get(user))));
                    return List.of();
                },
                user -> {
                    assertSuccess(200, api.recover(user, recoveryCodes.get(user)));
                    return List.of(SecurityEventType.RECOVERY_CODE_USED);
                },
                user -> {
                    assertSuccess(200, api.regenerate(user, fixtures.nextCode(secrets.get(user))));
                    return List.of(SecurityEventType.RECOVERY_CODES_REGENERATED);
                },
                user -> {
                    fixtures.lockOut(user, secrets.get(user));
                    return List.of(SecurityEventType.LOCKED_OUT);
                },
                user -> {
                    boolean firstReset = !expected.containsKey(operator.sub());
                    assertSuccess(200, api.admin(MfaApi.RESET_ROUTE, operator, user.sub()));
                    List<SecurityEventType> operators = expected.computeIfAbsent(operator.sub(), sub -> new ArrayList<>());
                    if (firstReset) {
                        // The operator's own MFA, turned on for the step-up at the first admin call.
                        operators.addAll(List.of(SecurityEventType.SETUP_STARTED, SecurityEventType.MFA_ENABLED));
                    }
                    operators.add(SecurityEventType.ADMIN_RESET_PERFORMED);
                    return List.of(SecurityEventType.ADMIN_RESET);
                },
                user -> {
                    secrets.put(user, fixtures.enabled(user).secret());
                    return List.of(SecurityEventType.SETUP_STARTED, SecurityEventType.MFA_ENABLED);
                },
                user -> {
                    assertSuccess(200, api.removeWithCode(user, api.codeFor(secrets.get(user))));
                    return List.of(SecurityEventType.MFA_REMOVED);
                });
        for (var step : steps) {
            for (TestUser user : List.of(alice, bob)) {
                expected.computeIfAbsent(user.sub(), sub -> new ArrayList<>()).addAll(step.apply(user));
            }
            clock.advance(Duration.ofMillis(7));
        }
        return expected;
    }

    /** An EventBridge client of the emulator with {@code interceptor}. */
    private EventBridgeClient client(ExecutionInterceptor interceptor) {
        return EventBridgeClient.builder().region(Region.of(AwsEmulator.REGION))
                .endpointOverride(emulator.endpoint()).httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(override -> override.addExecutionInterceptor(interceptor)).build();
    }

    private static int utf8(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    /**
     * The delivered events' types by the trail they come from, in the order they arrived: the
     * user's own, and for the operator's record of a reset, the operator's.
     */
    private static Map<String, List<SecurityEventType>> byTrail(List<Delivered> delivered) {
        Map<String, List<SecurityEventType>> byTrail = new LinkedHashMap<>();
        for (Delivered event : delivered) {
            String trail = event.userId();
            byTrail.computeIfAbsent(trail, sub -> new ArrayList<>()).add(SecurityEventType.valueOf(event.type()));
        }
        return byTrail;
    }
}

package io.serverlessmfa.core.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.core.audit.HelpdeskAction;
import io.serverlessmfa.core.audit.RecordedSecurityEvent;
import io.serverlessmfa.core.audit.RequestOrigin;
import io.serverlessmfa.core.audit.ResetReason;
import io.serverlessmfa.core.audit.SecurityEvent;
import io.serverlessmfa.core.audit.SecurityEventType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The publisher's rules, over a bus that records its calls and answers as each test tells it. */
class PublishSecurityEventsTest {

    private static final Instant AT = Instant.parse("2026-11-28T10:15:30.123Z");

    /** A bus that records each call and answers with {@code answer}. */
    private static final class RecordingBus implements SecurityEventBus {

        final List<List<PublishedEvent>> calls = new ArrayList<>();
        final Function<List<PublishedEvent>, List<Optional<String>>> answer;

        RecordingBus(Function<List<PublishedEvent>, List<Optional<String>>> answer) {
            this.answer = answer;
        }

        @Override
        public List<Optional<String>> publish(List<PublishedEvent> events) {
            calls.add(List.copyOf(events));
            return answer.apply(events);
        }
    }

    private static List<Optional<String>> allTaken(List<PublishedEvent> events) {
        return events.stream().map(event -> Optional.<String>empty()).toList();
    }

    private static PublishSecurityEvents.Entry entry(int position, String user, SecurityEventType type) {
        return new PublishSecurityEvents.Entry(Integer.toString(position), Optional.of(new RecordedSecurityEvent(user,
                "id-" + position, SecurityEvent.of(type, AT, new RequestOrigin("203.0.113.9", "Browser/1.0")))));
    }

    @Test
    void aCallCarriesAtMostTenEventsAndNeverTwoOfOneUser() {
        RecordingBus bus = new RecordingBus(PublishSecurityEventsTest::allTaken);
        List<PublishSecurityEvents.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            entries.add(entry(i, "user-" + (i < 12 ? i : i % 3), SecurityEventType.MFA_ENABLED));
        }
        PublishSecurityEvents.Outcome outcome = new PublishSecurityEvents(bus).publish(entries);

        assertEquals(25, outcome.published().size());
        assertEquals(List.of(), outcome.failed());
        List<String> order = new ArrayList<>();
        for (List<PublishedEvent> call : bus.calls) {
            assertTrue(call.size() <= SecurityEventBus.MAX_ENTRIES, "at most 10 a call: " + call.size());
            Set<String> users = new HashSet<>();
            call.forEach(event -> assertTrue(users.add(event.userId()), "one event per user a call: " + call));
            call.forEach(event -> order.add(event.eventId()));
        }
        assertEquals(entries.stream().map(entry -> entry.event().orElseThrow().eventId()).toList(), order,
                "published in stream order");
    }

    @Test
    void aRefusedEntryAndEverythingAfterItAreHandedBackAndNothingLaterIsPublished() {
        // The second call's second entry (b's second event) is refused: the calls after it are not made.
        RecordingBus bus = new RecordingBus(events -> events.stream()
                .map(event -> event.eventId().equals("id-3") ? Optional.of("ThrottlingException") : Optional.<String>empty())
                .toList());
        PublishSecurityEvents.Outcome outcome = new PublishSecurityEvents(bus).publish(List.of(
                entry(0, "a", SecurityEventType.SETUP_STARTED), entry(1, "b", SecurityEventType.SETUP_STARTED),
                entry(2, "a", SecurityEventType.MFA_ENABLED), entry(3, "b", SecurityEventType.MFA_ENABLED),
                entry(4, "a", SecurityEventType.MFA_REMOVED), entry(5, "b", SecurityEventType.MFA_REMOVED)));

        assertEquals(2, bus.calls.size(), "no call after the refused one");
        assertEquals(List.of("3", "4", "5"), outcome.failed());
        assertEquals(Optional.of("ThrottlingException"), outcome.failure());
        assertEquals(List.of("id-0", "id-1", "id-2"), outcome.published().stream().map(PublishedEvent::eventId).toList());
    }

    @Test
    void aCallThatFailsAsAWholeHandsBackItsFirstEntryAndEverythingAfterIt() {
        RecordingBus bus = new RecordingBus(events -> {
            throw new IllegalStateException("bus unreachable");
        });
        PublishSecurityEvents.Outcome outcome = new PublishSecurityEvents(bus).publish(List.of(
                entry(7, "a", SecurityEventType.LOCKED_OUT), entry(8, "a", SecurityEventType.ADMIN_RESET)));

        assertEquals(List.of("7", "8"), outcome.failed());
        assertEquals(List.of(), outcome.published());
        assertEquals(Optional.of("IllegalStateException"), outcome.failure());
    }

    @Test
    void anUnreadableEntryIsCountedAndHoldsBackNothing() {
        RecordingBus bus = new RecordingBus(PublishSecurityEventsTest::allTaken);
        PublishSecurityEvents.Outcome outcome = new PublishSecurityEvents(bus).publish(List.of(
                entry(1, "a", SecurityEventType.SETUP_STARTED),
                new PublishSecurityEvents.Entry("2", Optional.empty()),
                entry(3, "a", SecurityEventType.MFA_ENABLED),
                entry(4, "b", SecurityEventType.MFA_ENABLED)));

        assertEquals(List.of("id-1", "id-3", "id-4"), outcome.published().stream().map(PublishedEvent::eventId).toList(),
                "no retry could read it: the entries after it, of any user, go out");
        assertEquals(1, outcome.unreadable());
        assertEquals(List.of(), outcome.failed());
        assertEquals(Optional.empty(), outcome.failure());
    }

    @Test
    void theOperatorsTrailKeepsItsOrderUnderAPartialFailure() {
        // Two resets by one operator: both records are in the operator's trail, so never in one call.
        HelpdeskAction resetAlice = new HelpdeskAction("operator-1", "alice", Optional.of(new ResetReason("Lost phone")));
        HelpdeskAction resetBob = new HelpdeskAction("operator-1", "bob", Optional.of(new ResetReason("Lost phone")));
        RecordingBus bus = new RecordingBus(call -> call.stream()
                .map(event -> event.eventId().equals("id-1") ? Optional.of("ThrottlingException") : Optional.<String>empty())
                .toList());
        PublishSecurityEvents.Outcome outcome = new PublishSecurityEvents(bus).publish(List.of(
                new PublishSecurityEvents.Entry("1", Optional.of(new RecordedSecurityEvent("operator-1", "id-1",
                        new SecurityEvent(SecurityEventType.ADMIN_RESET_PERFORMED, AT, RequestOrigin.unknown(), Optional.of(resetAlice))))),
                new PublishSecurityEvents.Entry("2", Optional.of(new RecordedSecurityEvent("operator-1", "id-2",
                        new SecurityEvent(SecurityEventType.ADMIN_RESET_PERFORMED, AT, RequestOrigin.unknown(), Optional.of(resetBob)))))));

        assertEquals(List.of(), outcome.published(), "bob's reset does not go out before alice's");
        assertEquals(List.of("1", "2"), outcome.failed());
    }

    @Test
    void theServicesReservedUsersAreNeverPublished() {
        RecordingBus bus = new RecordingBus(PublishSecurityEventsTest::allTaken);
        HelpdeskAction primingReset = new HelpdeskAction("serverless-mfa:snapstart-priming",
                "serverless-mfa:snapstart-priming", Optional.of(new ResetReason("priming")));
        PublishSecurityEvents.Outcome outcome = new PublishSecurityEvents(bus).publish(List.of(
                entry(1, "serverless-mfa:snapstart-priming", SecurityEventType.SETUP_STARTED),
                new PublishSecurityEvents.Entry("2", Optional.of(new RecordedSecurityEvent("operator", "id-2",
                        new SecurityEvent(SecurityEventType.ADMIN_RESET_PERFORMED, AT, RequestOrigin.unknown(),
                                Optional.of(new HelpdeskAction("operator", "serverless-mfa:x", Optional.empty())))))),
                new PublishSecurityEvents.Entry("3", Optional.of(new RecordedSecurityEvent("serverless-mfa:snapstart-priming",
                        "id-3", new SecurityEvent(SecurityEventType.ADMIN_RESET, AT, RequestOrigin.unknown(),
                        Optional.of(primingReset)))))));

        assertEquals(3, outcome.skipped());
        assertEquals(List.of(), outcome.published());
        assertEquals(List.of(), bus.calls, "no call at all");
    }

    @Test
    void theUsersRecordOfAResetHasTheReasonButNotTheOperatorWhoseOwnRecordNamesTheUserReset() {
        HelpdeskAction reset = new HelpdeskAction("operator-1", "user-1", Optional.of(new ResetReason("Lost phone")));
        PublishedEvent users = PublishedEvent.of(new RecordedSecurityEvent("user-1", "id-1",
                new SecurityEvent(SecurityEventType.ADMIN_RESET, AT, RequestOrigin.unknown(), Optional.of(reset)))).orElseThrow();
        PublishedEvent operators = PublishedEvent.of(new RecordedSecurityEvent("operator-1", "id-2",
                new SecurityEvent(SecurityEventType.ADMIN_RESET_PERFORMED, AT, RequestOrigin.unknown(), Optional.of(reset))))
                .orElseThrow();

        assertEquals(new PublishedEvent("id-1", SecurityEventType.ADMIN_RESET, "user-1", AT, Optional.of("Lost phone"),
                Optional.empty()), users);
        assertEquals("MFA Reset By Helpdesk", users.detailType());
        assertEquals(new PublishedEvent("id-2", SecurityEventType.ADMIN_RESET_PERFORMED, "operator-1", AT,
                Optional.of("Lost phone"), Optional.of("user-1")), operators);
        assertEquals("MFA Helpdesk Reset Performed", operators.detailType());
    }

    @Test
    void everyEventTypeHasADetailTypeOfItsOwn() {
        Set<String> names = new HashSet<>();
        for (SecurityEventType type : SecurityEventType.values()) {
            PublishedEvent event = new PublishedEvent("id", type, "u", AT, Optional.empty(), Optional.empty());
            assertTrue(event.detailType().startsWith("MFA "), event.detailType());
            assertTrue(names.add(event.detailType()), "one name per type: " + event.detailType());
        }
    }

    @Test
    void callsStayUnderTheBusesSizeLimit() {
        RecordingBus bus = new RecordingBus(PublishSecurityEventsTest::allTaken);
        List<PublishSecurityEvents.Entry> entries = new ArrayList<>();
        // Ten users with 12,000-character ids (counted at six bytes a character, JSON's worst escape): not all ten fit in 256 KB.
        for (int i = 0; i < 10; i++) {
            entries.add(entry(i, ("u" + i).repeat(6_000), SecurityEventType.MFA_ENABLED));
        }
        new PublishSecurityEvents(bus).publish(entries);
        assertTrue(bus.calls.size() > 1, "split by size: " + bus.calls.size());
        for (List<PublishedEvent> call : bus.calls) {
            assertTrue(call.stream().mapToInt(PublishedEvent::sizeBound).sum() <= SecurityEventBus.MAX_BYTES);
        }
    }
}

package io.serverlessmfa.local;

import static io.serverlessmfa.functions.testing.ContractAssertions.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MfaFixtures;
import io.serverlessmfa.functions.testing.MutableClock;
import io.serverlessmfa.functions.testing.TestUser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code make run} shows the security events each change published: one line each, on the default bus as deployed. */
class LocalSecurityEventsIT {

    @Test
    void theLocalStackLogsOneLinePerPublishedEventWithItsTypeUserIdAndEventIdAndNothingOfTheRequest() {
        AwsEmulator emulator = AwsEmulator.get();
        MutableClock clock = MutableClock.atStepStart();
        MfaApi api = MfaApi.over(emulator, clock, Map.of());
        MfaFixtures fixtures = new MfaFixtures(api, clock);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream log = new PrintStream(captured, true, StandardCharsets.UTF_8);
        LocalSecurityEvents events = LocalSecurityEvents.create(emulator.environment(Map.of()), log);
        events.pollOnce(); // whatever an earlier run left on the local queue
        captured.reset();

        TestUser user = TestUser.random();
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        assertSuccess(200, api.removeWithCode(user, api.codeFor(enabled.secret())));
        List<String> lines = events.pollOnce();

        assertEquals(3, lines.size(), () -> "one line per event: " + lines);
        List<String> detailTypes = List.of("MFA Setup Started", "MFA Enabled", "MFA Removed");
        for (int i = 0; i < 3; i++) {
            String line = lines.get(i);
            assertTrue(line.matches("security event: " + detailTypes.get(i) + "  user=" + user.sub()
                    + "  id=[0-9a-f]{32}  at=\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z"), line);
            assertFalse(line.contains("127.0.0.1") || line.contains("integration-test") || line.contains(user.email()), line);
        }
        assertEquals(String.join("\n", lines), captured.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> line.startsWith("security event")).reduce((a, b) -> a + "\n" + b).orElse(""),
                "each line printed to the log");
    }
}

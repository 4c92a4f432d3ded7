package io.serverlessmfa.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * The local gateway answers only requests addressed to itself (DNS rebinding: a web page whose
 * domain now resolves to 127.0.0.1 sends its own host in Host). Raw HTTP over a socket, since
 * Java's HTTP client will not send a Host of our choosing. The requests go to {@code POST /dev/token},
 * what such a page is after (a token, an operator's too), and to a CORS preflight, which the
 * gateway would otherwise answer before any route. No route needs AWS here: the token issuer and
 * the preflight are the gateway's own.
 */
class LocalGatewayHostTest {

    private static final String ALLOWED_ORIGIN = "http://localhost:8080";
    private static LocalGateway gateway;
    private static int port;

    @BeforeAll
    static void start() throws IOException {
        gateway = new LocalGateway(Map.of(), new DevelopmentTokens(new SecureRandom(), Clock.systemUTC()),
                RepositoryFiles.root().resolve("portal"), Cors.of(SamTemplate.load(RepositoryFiles.template()), ALLOWED_ORIGIN));
        gateway.start(new InetSocketAddress("127.0.0.1", 0));
        port = gateway.port();
    }

    @AfterAll
    static void stop() {
        gateway.stop();
    }

    @Test
    void itsOwnLoopbackNamesWithItsPortGetATokenInAnyCase() throws IOException {
        for (String host : new String[] {"127.0.0.1:" + port, "localhost:" + port, "LocalHost:" + port, "[::1]:" + port}) {
            Response response = send(tokenRequest("Host: " + host + "\r\n"));
            assertEquals(200, response.status(), host + ": " + response);
            assertTrue(JsonNode.parser().parse(response.body()).field("token").isPresent(), host + ": " + response);
        }
    }

    @Test
    void aForeignHostOrAnotherPortIsMisdirectedAndGetsNoToken() throws IOException {
        for (String host : new String[] {"evil.example:" + port, "evil.example:3000", "127.0.0.1:9999", "localhost",
                "127.0.0.1", "localhost.:" + port, "127.0.0.2:" + port, "0.0.0.0:" + port, "[::1]", "127.0.0.1:" + port + "@evil.example"}) {
            Response response = send(tokenRequest("Host: " + host + "\r\n"));
            assertMisdirected(host, response);
        }
    }

    @Test
    void aRequestTargetNamingAnotherHostIsMisdirectedWhateverTheHostHeaderSays() throws IOException {
        String body = "{\"username\":\"mallory@example.com\"}";
        Response response = send("POST http://evil.example:" + port + "/dev/token HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
        assertMisdirected("absolute-form target on evil.example", response);
    }

    @Test
    void noHostOrTwoHostsIsABadRequestAndGetsNoToken() throws IOException {
        Map<String, String> requests = Map.of(
                "HTTP/1.1 without Host", tokenRequest(""),
                "HTTP/1.0 without Host", tokenRequest("").replace(" HTTP/1.1\r\n", " HTTP/1.0\r\n"),
                "two Host headers, ours first", tokenRequest("Host: 127.0.0.1:" + port + "\r\nHost: evil.example\r\n"));
        requests.forEach((what, request) -> {
            Response response = send(request);
            assertEquals(400, response.status(), what + ": " + response);
            assertEquals("invalid_request", JsonNode.parser().parse(response.body()).field("error").orElseThrow().asString(),
                    what + ": " + response);
            assertFalse(response.body().contains("token\""), what + ": " + response);
        });
    }

    @Test
    void aPreflightNamingAForeignHostIsMisdirectedBeforeCorsAnswersIt() throws IOException {
        String preflight = "OPTIONS /dev/token HTTP/1.1\r\n%sOrigin: " + ALLOWED_ORIGIN
                + "\r\nAccess-Control-Request-Method: POST\r\nConnection: close\r\n\r\n";
        Response ours = send(String.format(preflight, "Host: 127.0.0.1:" + port + "\r\n"));
        assertEquals(204, ours.status(), "the same preflight addressed here is answered: " + ours);
        assertTrue(ours.headers().contains("access-control-allow-origin: " + ALLOWED_ORIGIN), ours.toString());

        Response foreign = send(String.format(preflight, "Host: evil.example:" + port + "\r\n"));
        assertMisdirected("preflight", foreign);
        assertFalse(foreign.headers().contains("access-control-"), "no CORS header on a refusal: " + foreign);
    }

    @Test
    void theOwnAuthoritiesAreTheLoopbackNamesWithThePortAndWithoutItOnlyOnPort80() {
        assertEquals(Set.of("127.0.0.1:3000", "localhost:3000", "[::1]:3000"), LocalGateway.ownAuthorities(3000));
        assertEquals(Set.of("127.0.0.1:80", "localhost:80", "[::1]:80", "127.0.0.1", "localhost", "[::1]"),
                LocalGateway.ownAuthorities(80));
    }

    private static void assertMisdirected(String what, Response response) {
        assertEquals(421, response.status(), what + ": " + response);
        assertTrue(response.headers().contains("content-type: application/json"), what + ": " + response);
        Map<String, JsonNode> body = JsonNode.parser().parse(response.body()).asObject();
        assertEquals(Set.of("error", "message"), body.keySet(), what + ": " + response);
        assertEquals("misdirected_request", body.get("error").asString(), what + ": " + response);
        assertFalse(response.body().contains("evil.example"), "the Host is not echoed back: " + response);
    }

    /** {@code POST /dev/token} for an operator, with {@code hostLines} (each ending in CRLF) as its Host header lines. */
    private static String tokenRequest(String hostLines) {
        String body = "{\"username\":\"mallory@example.com\",\"groups\":[\"mfa-admin\"]}";
        return "POST /dev/token HTTP/1.1\r\n" + hostLines + "Content-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body;
    }

    /** A response: its status, its header lines in lower case, its body. */
    private record Response(int status, String headers, String body) {
    }

    /** Sends {@code request} as it is and reads the answer until the gateway closes the connection. */
    private static Response send(String request) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int end = answer.indexOf("\r\n\r\n");
            assertTrue(end > 0, "a whole HTTP response: " + answer);
            String head = answer.substring(0, end);
            int status = Integer.parseInt(head.substring(0, head.indexOf("\r\n") < 0 ? head.length() : head.indexOf("\r\n"))
                    .split(" ")[1]);
            return new Response(status, head.toLowerCase(Locale.ROOT), answer.substring(end + 4));
        } catch (IOException failed) {
            throw new java.io.UncheckedIOException(failed);
        }
    }
}

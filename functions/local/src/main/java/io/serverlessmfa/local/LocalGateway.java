package io.serverlessmfa.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.serverlessmfa.functions.config.AwsClients;
import io.serverlessmfa.functions.config.MfaConfiguration;
import io.serverlessmfa.functions.handler.MfaFunction;
import io.serverlessmfa.functions.http.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * {@code make run}: the API on http://127.0.0.1:3000 the way API Gateway serves it in AWS. Routes
 * come from template.yaml (not from a second list); every {@code /mfa} route is behind a check
 * that works like the HttpApi JWT authorizer (401 {"message":"Unauthorized"} for a missing,
 * malformed, tampered or expired token); each handler is built the way Lambda builds it and gets a
 * payload 2.0 event. Also serves the local development issuer ({@code POST /dev/token}) and the
 * portal page at {@code /}. With origins in {@value Cors#ALLOWED_ORIGINS}, CORS as API Gateway does
 * it for template.yaml's {@code CorsConfiguration} ({@link Cors}). One log line per request: method,
 * path, status, milliseconds; one per security event published ({@link LocalSecurityEvents}).
 *
 * <p>It answers only requests addressed to itself ({@link #isAddressedHere}), before CORS or routing:
 * a {@code Host} naming anything else gets {@code 421 misdirected_request}, and a request without
 * exactly one {@code Host} {@code 400 invalid_request}. Listening on loopback keeps other machines
 * out, not web pages: a page on a domain whose DNS answer turns into 127.0.0.1 (DNS rebinding) is
 * same-origin with its own domain, so the browser lets it call this gateway and read the answers,
 * {@code POST /dev/token} and an operator's token included. Its requests still name the page's own
 * host in {@code Host}, which is what this check refuses.
 */
public final class LocalGateway {

    /** The Lambda runtime's serializer writes the event as API Gateway sends it to Lambda. */
    private static final PojoSerializer<APIGatewayV2HTTPEvent> EVENTS =
            LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, LocalGateway.class.getClassLoader());

    /** API Gateway's request payload limit is 10 MB; locally 1 MiB is plenty and bounds memory. */
    static final int MAX_REQUEST_BYTES = 1 << 20;
    /**
     * The portal's files by extension. Browsers refuse a module script (portal/js/) served with
     * another type than JavaScript.
     */
    private static final Map<String, String> STATIC_TYPES = Map.of(
            ".html", "text/html; charset=utf-8", ".css", "text/css; charset=utf-8",
            ".js", "text/javascript; charset=utf-8", ".png", "image/png", ".svg", "image/svg+xml");

    private final Map<String, MfaFunction> routes;
    private final DevelopmentTokens tokens;
    private final Path portal;
    private final Cors cors;
    private HttpServer server;
    /** The authorities this gateway answers to, lower case: its loopback names with its port ({@link #start}). */
    private Set<String> ownAuthorities = Set.of();

    /** Without CORS, as the API is deployed when {@code CorsAllowedOrigins} is empty. */
    public LocalGateway(Map<String, MfaFunction> routes,
                        DevelopmentTokens tokens, Path portal) {
        this(routes, tokens, portal, Cors.none());
    }

    public LocalGateway(Map<String, MfaFunction> routes, DevelopmentTokens tokens, Path portal, Cors cors) {
        this.routes = Map.copyOf(routes);
        this.tokens = tokens;
        this.portal = portal;
        this.cors = cors;
    }

    public static void main(String[] arguments) throws Exception {
        int port = arguments.length > 0 ? Integer.parseInt(arguments[0]) : 3000;
        MfaConfiguration configuration = MfaConfiguration.fromEnvironment(System.getenv());
        LocalResources.ensure(AwsClients.dynamoDb(configuration), AwsClients.kms(configuration),
                configuration.tableName(), configuration.requireKmsKeyId());
        Map<String, MfaFunction> routes = new HashMap<>();
        SamTemplate template = SamTemplate.load(Path.of("template.yaml"));
        for (SamTemplate.Function function : template.functions()) {
            routes.put(function.routeKey(), InvokeFunction.newHandler(function.handlerClass()));
        }
        Cors cors = Cors.of(template, System.getenv(Cors.ALLOWED_ORIGINS));
        LocalGateway gateway = new LocalGateway(routes, new DevelopmentTokens(new SecureRandom(), Clock.systemUTC()),
                Path.of("portal"), cors);
        gateway.start(new InetSocketAddress("127.0.0.1", port));
        Runtime.getRuntime().addShutdownHook(new Thread(gateway::stop));
        // The security events each change publishes, one line each (docs/notifications.md).
        LocalSecurityEvents events = LocalSecurityEvents.create(System.getenv(), System.out).start();
        Runtime.getRuntime().addShutdownHook(new Thread(events::close));
        System.out.println("Serverless MFA on http://127.0.0.1:" + port + "/  (routes from template.yaml: "
                + routes.keySet().stream().sorted().toList() + "; CORS origins: "
                + (cors.enabled() ? cors.allowedOrigins().stream().sorted().toList() : "none") + "; Ctrl-C stops)");
    }

    public void start(InetSocketAddress address) throws IOException {
        server = HttpServer.create(address, 64);
        ownAuthorities = ownAuthorities(server.getAddress().getPort()); // the port bound, also when asked for 0
        server.createContext("/", this::serve);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        long started = System.nanoTime();
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String path = exchange.getRequestURI().getRawPath();
        int status;
        try {
            String origin = exchange.getRequestHeaders().getFirst("Origin");
            List<String> hosts = exchange.getRequestHeaders().get("Host");
            if (hosts == null || hosts.size() != 1) {
                // RFC 9112 §3.2: a server must answer 400 to an HTTP/1.1 request without Host or with more than one.
                status = badRequest(exchange, "a request names its host in exactly one Host header");
            } else if (!isAddressedHere(hosts.get(0), exchange.getRequestURI())) {
                status = misdirected(exchange);
            } else if (cors.isPreflight(method, origin, exchange.getRequestHeaders().getFirst("Access-Control-Request-Method"))) {
                status = preflight(exchange, origin);
            } else {
                cors.responseHeaders(origin).forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
                status = route(exchange, method, path);
            }
        } catch (RuntimeException failure) {
            status = send(exchange, 500, "application/json", JsonObject.create().field("message", "Internal Server Error").build(), Map.of());
            System.out.println("gateway fault: " + failure.getClass().getName());
        } finally {
            exchange.close();
        }
        log(method, path, status, started);
    }

    private static void log(String method, String path, int status, long started) {
        // Never the body, the query string or a header: codes and tokens travel there.
        System.out.printf("%s %s %d %dms%n", method, path, status, (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * The loopback names this gateway answers to, with {@code port}: {@code 127.0.0.1}, {@code localhost}
     * and {@code [::1]}. On port 80 also without it: a client given {@code http://127.0.0.1/} sends
     * {@code Host: 127.0.0.1}, the target URI's authority as it stands (RFC 9110 §7.2).
     */
    static Set<String> ownAuthorities(int port) {
        Set<String> authorities = new HashSet<>();
        for (String name : List.of("127.0.0.1", "localhost", "[::1]")) {
            authorities.add(name + ":" + port);
            if (port == 80) {
                authorities.add(name);
            }
        }
        return Set.copyOf(authorities);
    }

    /**
     * Whether the request names this gateway: its {@code Host} is one of {@link #ownAuthorities} (the
     * name in any case), and so is the authority of a request target in absolute form
     * ({@code GET http://host/...}), which a server follows instead of {@code Host} (RFC 9112 §3.2.2).
     * Another name or another port: no. A target without a scheme is a path, whatever Java's URI
     * makes of it ({@code //etc/passwd} has the "authority" {@code etc} there).
     */
    private boolean isAddressedHere(String host, URI target) {
        if (!isOwn(host)) {
            return false;
        }
        return target.getScheme() == null || (target.getRawAuthority() != null && isOwn(target.getRawAuthority()));
    }

    private boolean isOwn(String authority) {
        return ownAuthorities.contains(authority.strip().toLowerCase(Locale.ROOT));
    }

    /**
     * 421 Misdirected Request (RFC 9110 §15.5.20): this server will not answer for the host the
     * request names. Not 403: nothing about the caller is refused, only where the request says it
     * goes, and the same request sent to 127.0.0.1 works. The Host is not echoed back.
     */
    private int misdirected(HttpExchange exchange) throws IOException {
        int port = port();
        return send(exchange, 421, "application/json", JsonObject.create().field("error", "misdirected_request")
                .field("message", "This local gateway answers only requests addressed to 127.0.0.1:" + port + ", localhost:"
                        + port + " or [::1]:" + port + ". Open http://127.0.0.1:" + port + "/ instead.").build(), Map.of());
    }

    /**
     * API Gateway's own answer to a preflight, for any path: 204, with the CORS headers for an allowed
     * origin and none for another one (the browser then refuses the call it asked about).
     */
    private int preflight(HttpExchange exchange, String origin) throws IOException {
        cors.preflightHeaders(origin).forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(204, -1);
        return 204;
    }

    private int route(HttpExchange exchange, String method, String path) throws IOException {
        if (path.equals("/dev/token") && method.equals("POST")) {
            return issueToken(exchange);
        }
        Optional<RouteMatch> match = match(method, path);
        if (match.isEmpty()) {
            return method.equals("GET") ? serveStatic(exchange, path) : notFound(exchange);
        }
        String routeKey = match.get().routeKey();
        MfaFunction handler = routes.get(routeKey);
        // A public route (Authorizer: NONE in template.yaml) has no authorizer and so no claims.
        Optional<Map<String, String>> claims = handler.isPublic() ? Optional.empty()
                : tokens.verify(exchange.getRequestHeaders().getFirst("Authorization"));
        if (!handler.isPublic() && claims.isEmpty()) {
            return send(exchange, 401, "application/json", "{\"message\":\"Unauthorized\"}", Map.of());
        }
        byte[] body = readBody(exchange);
        if (body == null) {
            return send(exchange, 413, "application/json", "{\"message\":\"Request Entity Too Large\"}", Map.of());
        }
        APIGatewayV2HTTPEvent event = event(exchange, routeKey, path, claims, body);
        event.setPathParameters(match.get().pathParameters().isEmpty() ? null : match.get().pathParameters());
        APIGatewayV2HTTPResponse response = invoke(handler, event);
        byte[] responseBody = response.getBody() == null ? new byte[0]
                : response.getIsBase64Encoded() ? Base64.getDecoder().decode(response.getBody())
                : response.getBody().getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = response.getHeaders() == null ? Map.of() : response.getHeaders();
        return send(exchange, response.getStatusCode(), headers.getOrDefault("Content-Type", "application/json"), responseBody, headers);
    }

    private int issueToken(HttpExchange exchange) throws IOException {
        byte[] body = readBody(exchange);
        try {
            JsonNode request = JsonNode.parser().parse(body == null ? new byte[0] : body);
            String username = request.field("username").filter(JsonNode::isString).map(JsonNode::asString)
                    .map(String::trim).orElse("");
            if (username.isEmpty() || username.length() > 128) {
                return badRequest(exchange, "username must be 1 to 128 characters");
            }
            List<String> groups = request.field("groups").filter(JsonNode::isArray)
                    .map(array -> array.asArray().stream().filter(JsonNode::isString).map(JsonNode::asString).toList())
                    .orElse(List.of());
            // Local only: an earlier sign-in (auth_time), to see setup, recovery codes and remove
            // ask for a fresh one.
            Optional<JsonNode> authTime = request.field("authTime");
            String token;
            try {
                token = tokens.issue(username, groups, authTime.map(LocalGateway::epochSeconds));
            } catch (IllegalArgumentException notASignIn) {
                return badRequest(exchange, "authTime must be a whole number of seconds since 1970, not after now");
            }
            return send(exchange, 200, "application/json", JsonObject.create().field("token", token).build(),
                    Map.of("Cache-Control", "no-store"));
        } catch (RuntimeException malformed) {
            return badRequest(exchange, "body must be {\"username\":\"...\"}");
        }
    }

    /** A JSON number of whole seconds since 1970 ({@code 1795860000}) as an instant. */
    private static Instant epochSeconds(JsonNode value) {
        if (!value.isNumber()) {
            throw new IllegalArgumentException("not a number");
        }
        return Instant.ofEpochSecond(Long.parseLong(value.asNumber())); // 1.5 or 1e9: NumberFormatException
    }

    /**
     * A file below portal/, subfolders included. {@code path} is the raw path, never decoded, so an
     * encoded {@code ..} or {@code /} names no file here; a {@code ..} or a path that resolves
     * outside portal/ (an absolute one) is refused.
     */
    private int serveStatic(HttpExchange exchange, String path) throws IOException {
        String name = path.equals("/") ? "index.html" : path.substring(1);
        Path file = portal.resolve(name).normalize();
        if (name.contains("..") || !file.startsWith(portal) || !Files.isRegularFile(file)) {
            return notFound(exchange);
        }
        String type = STATIC_TYPES.entrySet().stream().filter(entry -> name.endsWith(entry.getKey()))
                .map(Map.Entry::getValue).findFirst().orElse("application/octet-stream");
        return send(exchange, 200, type, Files.readAllBytes(file), Map.of("Cache-Control", "no-cache"));
    }

    /** A route that matched a request, with the values of its {@code {name}} path segments. */
    record RouteMatch(String routeKey, Map<String, String> pathParameters) {
    }

    /**
     * The route for {@code method} and {@code path}, as API Gateway matches them: a literal route
     * first, else one whose {@code {name}} segments each take one non-empty path segment.
     */
    Optional<RouteMatch> match(String method, String path) {
        if (routes.containsKey(method + " " + path)) {
            return Optional.of(new RouteMatch(method + " " + path, Map.of()));
        }
        String[] segments = path.split("/", -1);
        for (String routeKey : routes.keySet()) {
            String[] parts = routeKey.split(" ", 2);
            if (!parts[0].equals(method) || !parts[1].contains("{")) {
                continue;
            }
            String[] template = parts[1].split("/", -1);
            if (template.length != segments.length) {
                continue;
            }
            Map<String, String> parameters = new HashMap<>();
            boolean matches = true;
            for (int i = 0; i < template.length && matches; i++) {
                if (template[i].startsWith("{") && template[i].endsWith("}")) {
                    matches = !segments[i].isEmpty();
                    parameters.put(template[i].substring(1, template[i].length() - 1), decode(segments[i].replace("+", "%2B")));
                } else {
                    matches = template[i].equals(segments[i]);
                }
            }
            if (matches) {
                return Optional.of(new RouteMatch(routeKey, Map.copyOf(parameters)));
            }
        }
        return Optional.empty();
    }

    /**
     * The query string as payload 2.0 gives it: decoded values, a repeated name's values joined
     * with commas, and null when there is none.
     */
    static Map<String, String> queryParameters(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        Map<String, String> parameters = new java.util.LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            parameters.merge(name, value, (first, second) -> first + "," + second);
        }
        return parameters.isEmpty() ? null : parameters;
    }

    private static String decode(String text) {
        try {
            return java.net.URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException badEscape) {
            return text; // API Gateway passes what it cannot decode as it came
        }
    }

    /** A payload 2.0 event as API Gateway builds it after its JWT authorizer. */
    private static APIGatewayV2HTTPEvent event(HttpExchange exchange, String routeKey, String path,
                                               Optional<Map<String, String>> claims, byte[] body) {
        Map<String, String> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        String text = utf8(body);
        String query = exchange.getRequestURI().getRawQuery();
        long now = System.currentTimeMillis();
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(routeKey)
                .withRawPath(path)
                .withRawQueryString(query == null ? "" : query)
                .withQueryStringParameters(queryParameters(query))
                .withHeaders(headers)
                .withBody(body.length == 0 ? null : text != null ? text : Base64.getEncoder().encodeToString(body))
                .withIsBase64Encoded(body.length > 0 && text == null)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId(UUID.randomUUID().toString())
                        .withRouteKey(routeKey)
                        .withStage("$default")
                        .withTime(DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
                                .format(java.time.Instant.ofEpochMilli(now).atZone(ZoneOffset.UTC)))
                        .withTimeEpoch(now)
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(exchange.getRequestMethod()).withPath(path).withProtocol("HTTP/1.1")
                                .withSourceIp(exchange.getRemoteAddress().getAddress().getHostAddress())
                                .withUserAgent(headers.get("user-agent")).build())
                        // API Gateway's own domain for the API; here the address the gateway listens on.
                        .withDomainName(domainName(exchange))
                        .withAuthorizer(claims.map(verified -> APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                                        .withClaims(verified).withScopes(null).build())
                                .build()).orElse(null))
                        .build())
                .build();
    }

    /** {@code 127.0.0.1:<port>}: the gateway's own address, never the client's Host header. */
    private static String domainName(HttpExchange exchange) {
        InetSocketAddress local = exchange.getLocalAddress();
        return local.getAddress().getHostAddress() + ":" + local.getPort();
    }

    private static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException binary) {
            return null;
        }
    }

    /** The body, or null when it is over the limit. */
    private static byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_REQUEST_BYTES + 1);
            return body.length > MAX_REQUEST_BYTES ? null : body;
        }
    }

    private static int notFound(HttpExchange exchange) throws IOException {
        return send(exchange, 404, "application/json", "{\"message\":\"Not Found\"}", Map.of());
    }

    private static int badRequest(HttpExchange exchange, String message) throws IOException {
        return send(exchange, 400, "application/json",
                JsonObject.create().field("error", "invalid_request").field("message", message).build(), Map.of());
    }

    private static int send(HttpExchange exchange, int status, String contentType, String body, Map<String, String> headers)
            throws IOException {
        return send(exchange, status, contentType, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    private static int send(HttpExchange exchange, int status, String contentType, byte[] body, Map<String, String> headers)
            throws IOException {
        headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        return status;
    }

    /**
     * As in AWS: the event goes to the function as JSON bytes and its answer comes back as JSON, so
     * every request here (the portal's, the fuzzer's) passes through the functions' own payload
     * reader and writer ({@code HttpApiPayload}), the path Lambda takes.
     */
    static APIGatewayV2HTTPResponse invoke(MfaFunction handler, APIGatewayV2HTTPEvent event) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        EVENTS.toJson(event, request);
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(request.toByteArray()), answer, null);
        Map<String, JsonNode> response = JsonNode.parser().parse(answer.toByteArray()).asObject();
        Map<String, String> headers = new LinkedHashMap<>();
        response.get("headers").asObject().forEach((name, value) -> headers.put(name, value.asString()));
        JsonNode body = response.get("body");
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(Integer.parseInt(response.get("statusCode").asNumber()))
                .withHeaders(headers)
                .withBody(body == null || body.isNull() ? null : body.asString())
                .withIsBase64Encoded(response.get("isBase64Encoded").asBoolean())
                .build();
    }

}

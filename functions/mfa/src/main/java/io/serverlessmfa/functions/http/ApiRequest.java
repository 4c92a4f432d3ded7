package io.serverlessmfa.functions.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.serverlessmfa.core.audit.RequestOrigin;
import io.serverlessmfa.core.audit.ResetReason;
import io.serverlessmfa.core.recovery.RecoveryCode;
import io.serverlessmfa.core.token.Nonce;
import io.serverlessmfa.core.totp.TotpCode;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonFactory;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.core.StreamReadFeature;

/**
 * An API Gateway HTTP API (payload 2.0) request reduced to what a handler may use: the user from
 * the JWT authorizer's claims (never from the body, path or query) and a JSON object body.
 */
public final class ApiRequest {

    /** The contract's limit on request bodies. */
    public static final int MAX_BODY_BYTES = 4096;

    // Duplicate keys are refused: {"code":"1","code":"2"} would mean different things to
    // different parsers on the way in (a classic smuggling trick).
    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final JsonNodeParser PARSER = JsonNodeParser.builder().jsonFactory(JSON).build();

    private final String userId;
    private final Map<String, String> claims;
    private final Map<String, JsonNode> body;
    private final RequestOrigin origin;
    private final Map<String, String> query;
    private final Map<String, String> path;
    private final APIGatewayV2HTTPEvent event;

    private ApiRequest(String userId, Map<String, String> claims, Map<String, JsonNode> body, RequestOrigin origin,
                       Map<String, String> query, Map<String, String> path, APIGatewayV2HTTPEvent event) {
        this.userId = userId;
        this.claims = claims;
        this.body = body;
        this.origin = origin;
        this.query = query;
        this.path = path;
        this.event = event;
    }

    /**
     * @throws UnauthorizedException   when the authorizer passed no {@code sub}
     * @throws InvalidRequestException when the body is not a JSON object of at most 4 KiB
     */
    public static ApiRequest from(APIGatewayV2HTTPEvent event) {
        Map<String, String> claims = claims(event);
        String sub = claims.get("sub");
        if (sub == null || sub.isBlank()) {
            throw new UnauthorizedException("no sub claim");
        }
        APIGatewayV2HTTPEvent.RequestContext context = event.getRequestContext();
        APIGatewayV2HTTPEvent.RequestContext.Http http = context == null ? null : context.getHttp();
        RequestOrigin origin = http == null ? RequestOrigin.unknown() : new RequestOrigin(http.getSourceIp(), http.getUserAgent());
        return new ApiRequest(sub, claims, body(event), origin, nonNull(event.getQueryStringParameters()),
                nonNull(event.getPathParameters()), event);
    }

    /**
     * A request to a public route (the discovery document, the JWKS): no caller, no body. It has no
     * user id; {@link #userId()} is empty.
     */
    public static ApiRequest anonymous(APIGatewayV2HTTPEvent event) {
        APIGatewayV2HTTPEvent known = event == null ? new APIGatewayV2HTTPEvent() : event;
        return new ApiRequest("", Map.of(), Map.of(), RequestOrigin.unknown(), nonNull(known.getQueryStringParameters()),
                nonNull(known.getPathParameters()), known);
    }

    /** A request header, by name in any case (HTTP field names are case-insensitive, RFC 9110 §5.1). */
    public Optional<String> header(String name) {
        return Optional.ofNullable(header(event, name));
    }

    /**
     * The domain name the request came in on, as API Gateway reports it ({@code requestContext.domainName}):
     * the API's own host, or its custom domain. API Gateway routes by it, so a client cannot pick it.
     */
    public Optional<String> domainName() {
        APIGatewayV2HTTPEvent.RequestContext context = event.getRequestContext();
        return Optional.ofNullable(context == null ? null : context.getDomainName()).filter(name -> !name.isBlank());
    }

    /** The optional {@code nonce} (contract: "MFA tokens"); anything but 1..128 of {@code [A-Za-z0-9._~-]} is 400. */
    public Optional<Nonce> optionalNonce(String field) {
        return optionalString(field).map(value -> Nonce.parse(value).orElseThrow(() -> new InvalidRequestException(
                field + " must be 1 to " + Nonce.MAX_LENGTH + " characters of A-Z a-z 0-9 . _ ~ -")));
    }

    private static Map<String, String> nonNull(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }

    /**
     * Whether the token puts the caller in {@code group}: an element of Cognito's
     * {@code cognito:groups} or of a {@code groups} claim exactly equal to it (contract: "Helpdesk
     * routes"). API Gateway hands a JWT array claim to the function as text, its elements between
     * brackets and separated by spaces ({@code [mfa-admin tenant-a]}); a string claim is one
     * element. Elements are compared whole: {@code [tenant-a,mfa-admin]} is one element with a
     * comma in it, {@code ["mfa-admin"]} one with quotes, and neither is the group.
     */
    public boolean inGroup(String group) {
        for (String claim : List.of("cognito:groups", "groups")) {
            String value = claims.get(claim);
            if (value == null) {
                continue;
            }
            boolean array = value.length() >= 2 && value.startsWith("[") && value.endsWith("]");
            for (String element : array ? value.substring(1, value.length() - 1).split(" ") : new String[] {value}) {
                if (element.equals(group)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Where the request came from, for the audit trail (API Gateway's view, not a header the client sets). */
    public RequestOrigin origin() {
        return origin;
    }

    /** A query string parameter (API Gateway joins repeated ones with commas). */
    public Optional<String> query(String name) {
        return Optional.ofNullable(query.get(name));
    }

    /** A path parameter of the route, e.g. {@code userId} of {@code /admin/mfa/users/{userId}}. */
    public Optional<String> pathParameter(String name) {
        return Optional.ofNullable(path.get(name));
    }

    public String userId() {
        return userId;
    }

    public Map<String, String> claims() {
        return claims;
    }

    /** A required TOTP code: exactly {@code digits} ASCII digits, spaces ignored. */
    public TotpCode totpCode(String field, int digits) {
        return optionalTotpCode(field, digits).orElseThrow(() -> missing(field, digits + " digits"));
    }

    public Optional<TotpCode> optionalTotpCode(String field, int digits) {
        return optionalString(field).map(value -> TotpCode.parse(value, digits)
                .orElseThrow(() -> new InvalidRequestException(field + " must be " + digits + " digits")));
    }

    /** The helpdesk reset's required reason (contract: "Helpdesk routes"): 1 to 500 characters, none a control character. */
    public ResetReason resetReason(String field) {
        String text = optionalString(field).orElseThrow(() -> missing(field, "why the MFA is reset, 1 to "
                + ResetReason.MAX_LENGTH + " characters"));
        if (!ResetReason.isValid(text)) {
            throw new InvalidRequestException(field + " must be 1 to " + ResetReason.MAX_LENGTH
                    + " characters, not blank, with no control characters");
        }
        return new ResetReason(text);
    }

    /** A required recovery code: case-insensitive, spaces and dashes ignored. */
    public RecoveryCode recoveryCode(String field) {
        return optionalRecoveryCode(field).orElseThrow(() -> missing(field, "a recovery code"));
    }

    public Optional<RecoveryCode> optionalRecoveryCode(String field) {
        return optionalString(field).map(value -> RecoveryCode.parse(value)
                .orElseThrow(() -> new InvalidRequestException(field + " is not a well-formed recovery code")));
    }

    private Optional<String> optionalString(String field) {
        JsonNode node = body.get(field);
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isString()) {
            throw new InvalidRequestException(field + " must be a string");
        }
        return Optional.of(node.asString());
    }

    private static InvalidRequestException missing(String field, String what) {
        return new InvalidRequestException(field + " is required: " + what);
    }

    private static Map<String, String> claims(APIGatewayV2HTTPEvent event) {
        APIGatewayV2HTTPEvent.RequestContext context = event == null ? null : event.getRequestContext();
        if (context == null || context.getAuthorizer() == null || context.getAuthorizer().getJwt() == null
                || context.getAuthorizer().getJwt().getClaims() == null) {
            throw new UnauthorizedException("no JWT authorizer claims");
        }
        Map<String, String> claims = new java.util.HashMap<>();
        context.getAuthorizer().getJwt().getClaims().forEach((name, value) -> {
            if (name != null && value != null) {
                claims.put(name, value);
            }
        });
        return Map.copyOf(claims);
    }

    private static Map<String, JsonNode> body(APIGatewayV2HTTPEvent event) {
        String raw = event.getBody();
        if (raw == null || raw.isEmpty()) {
            return Map.of();
        }
        byte[] bytes;
        if (event.getIsBase64Encoded()) {
            if (raw.length() > (MAX_BODY_BYTES / 3 + 1) * 4) {
                throw tooLarge();
            }
            try {
                bytes = Base64.getDecoder().decode(raw);
            } catch (IllegalArgumentException notBase64) {
                throw new InvalidRequestException("body is not valid base64");
            }
        } else {
            if (raw.length() > MAX_BODY_BYTES) {
                throw tooLarge();
            }
            bytes = raw.getBytes(StandardCharsets.UTF_8);
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        if (!isJson(header(event, "content-type"))) {
            throw new InvalidRequestException("Content-Type must be application/json");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException notUtf8) {
            throw new InvalidRequestException("body must be UTF-8");
        }
        if (text.isBlank()) {
            return Map.of();
        }
        JsonNode node;
        try {
            requireSingleValue(text);
            node = PARSER.parse(text);
        } catch (InvalidRequestException invalid) {
            throw invalid;
        } catch (IOException | RuntimeException malformed) {
            throw new InvalidRequestException("body must be a JSON object");
        }
        if (node == null || !node.isObject()) {
            throw new InvalidRequestException("body must be a JSON object");
        }
        return node.asObject();
    }

    /**
     * The SDK's parser stops after the first value, so {@code {"code":"1"} x} would pass as
     * {@code {"code":"1"}}: anything after the object is refused here instead.
     */
    private static void requireSingleValue(String text) throws IOException {
        try (JsonParser tokens = JSON.createParser(text)) {
            if (tokens.nextToken() == null) {
                throw new InvalidRequestException("body must be a JSON object");
            }
            tokens.skipChildren();
            if (tokens.nextToken() != null) {
                throw new InvalidRequestException("body must be a single JSON object with nothing after it");
            }
        }
    }

    private static InvalidRequestException tooLarge() {
        return new InvalidRequestException("body must be at most " + MAX_BODY_BYTES + " bytes");
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return mediaType.equals("application/json");
    }

    private static String header(APIGatewayV2HTTPEvent event, String name) {
        if (event.getHeaders() == null) {
            return null;
        }
        for (Map.Entry<String, String> header : event.getHeaders().entrySet()) {
            if (header.getKey() != null && header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
    }
}

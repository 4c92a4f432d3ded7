package io.serverlessmfa.functions.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonNodeParser;
import software.amazon.awssdk.protocols.jsoncore.JsonWriter;

/**
 * API Gateway's HTTP API payload format 2.0, read and written with the SDK's JSON core (already
 * loaded for DynamoDB and KMS) instead of the Lambda runtime's event serializer: that serializer
 * loads some 800 classes and costs about 200 ms of every cold start (docs/performance.md), for the
 * dozen fields a route reads. Field names as in the AWS docs ("Working with AWS Lambda proxy
 * integrations for HTTP APIs", format 2.0); {@code EventFilesIT} checks every file of events/
 * reads the same as with the runtime's serializer.
 */
public final class HttpApiPayload {

    private static final JsonNodeParser PARSER = JsonNodeParser.create();

    private HttpApiPayload() {
    }

    /**
     * The event in {@code in}; fields this service never reads (cookies, stage variables) are left
     * out. The domain name is read: the MFA tokens' issuer may be derived from it.
     *
     * @throws InvalidRequestException when the input is not a JSON object
     */
    public static APIGatewayV2HTTPEvent read(InputStream in) throws IOException {
        JsonNode root;
        try {
            root = PARSER.parse(in);
        } catch (RuntimeException malformed) {
            throw new InvalidRequestException("the event is not a JSON object");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRequestException("the event is not a JSON object");
        }
        Map<String, JsonNode> event = root.asObject();
        Map<String, JsonNode> context = object(event.get("requestContext"));
        APIGatewayV2HTTPEvent.RequestContext.RequestContextBuilder requestContext = APIGatewayV2HTTPEvent.RequestContext
                .builder()
                .withRequestId(text(context.get("requestId")))
                .withRouteKey(text(context.get("routeKey")))
                .withStage(text(context.get("stage")))
                .withDomainName(text(context.get("domainName")))
                .withAccountId(text(context.get("accountId")))
                .withApiId(text(context.get("apiId")));
        Map<String, JsonNode> http = object(context.get("http"));
        if (!http.isEmpty()) {
            requestContext.withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                    .withMethod(text(http.get("method")))
                    .withPath(text(http.get("path")))
                    .withProtocol(text(http.get("protocol")))
                    .withSourceIp(text(http.get("sourceIp")))
                    .withUserAgent(text(http.get("userAgent")))
                    .build());
        }
        Map<String, JsonNode> jwt = object(object(context.get("authorizer")).get("jwt"));
        if (!jwt.isEmpty()) {
            requestContext.withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                    .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                            .withClaims(strings(jwt.get("claims")))
                            .withScopes(list(jwt.get("scopes")))
                            .build())
                    .build());
        }
        JsonNode base64 = event.get("isBase64Encoded");
        return APIGatewayV2HTTPEvent.builder()
                .withVersion(text(event.get("version")))
                .withRouteKey(text(event.get("routeKey")))
                .withRawPath(text(event.get("rawPath")))
                .withRawQueryString(text(event.get("rawQueryString")))
                .withHeaders(strings(event.get("headers")))
                .withQueryStringParameters(strings(event.get("queryStringParameters")))
                .withPathParameters(strings(event.get("pathParameters")))
                .withBody(text(event.get("body")))
                .withIsBase64Encoded(base64 != null && base64.isBoolean() && base64.asBoolean())
                .withRequestContext(requestContext.build())
                .build();
    }

    /** The response as the runtime would serialize it: status, headers, body, never Base64. */
    public static void write(APIGatewayV2HTTPResponse response, OutputStream out) throws IOException {
        JsonWriter writer = JsonWriter.create();
        writer.writeStartObject();
        writer.writeFieldName("statusCode").writeValue(response.getStatusCode());
        writer.writeFieldName("headers").writeStartObject();
        if (response.getHeaders() != null) {
            response.getHeaders().forEach((name, value) -> writer.writeFieldName(name).writeValue(value));
        }
        writer.writeEndObject();
        if (response.getBody() != null) {
            writer.writeFieldName("body").writeValue(response.getBody());
        }
        writer.writeFieldName("isBase64Encoded").writeValue(response.getIsBase64Encoded());
        writer.writeEndObject();
        out.write(writer.getBytes());
        out.flush();
    }

    private static Map<String, JsonNode> object(JsonNode node) {
        return node != null && node.isObject() ? node.asObject() : Map.of();
    }

    /** A string field; a number or boolean as its text (null stays null). */
    private static String text(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isString()) {
            return node.asString();
        }
        if (node.isNumber()) {
            return node.asNumber();
        }
        if (node.isBoolean()) {
            return Boolean.toString(node.asBoolean());
        }
        return node.toString();
    }

    /** A map of strings (headers, parameters, claims); null when absent, as the runtime leaves it. */
    private static Map<String, String> strings(JsonNode node) {
        if (node == null || !node.isObject()) {
            return null;
        }
        Map<String, String> values = new LinkedHashMap<>();
        node.asObject().forEach((name, value) -> {
            String text = text(value);
            if (text != null) {
                values.put(name, text);
            }
        });
        return values;
    }

    private static List<String> list(JsonNode node) {
        if (node == null || !node.isArray()) {
            return null;
        }
        List<String> values = new ArrayList<>();
        node.asArray().forEach(element -> values.add(text(element)));
        return values;
    }
}

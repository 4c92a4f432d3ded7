package io.serverlessmfa.functions.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/** A handler's answer with its JSON body parsed. */
public record ApiResult(int status, Map<String, String> headers, String body, JsonNode json) {

    public static ApiResult of(APIGatewayV2HTTPResponse response) {
        String body = response.getBody();
        return new ApiResult(response.getStatusCode(), response.getHeaders(), body, JsonNode.parser().parse(body));
    }

    public String text(String field) {
        return json.field(field).map(JsonNode::asString).orElse(null);
    }

    public List<String> texts(String field) {
        return json.field(field).map(node -> node.asArray().stream().map(JsonNode::asString).toList()).orElse(List.of());
    }

    public String error() {
        return text("error");
    }

    public String header(String name) {
        return headers.entrySet().stream().filter(header -> header.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    @Override
    public String toString() {
        return status + " " + body;
    }
}

package io.serverlessmfa.bench.common;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/** The helpers such a team shares between its handlers: one ObjectMapper, the caller, responses. */
final class Api {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String ISSUER = "Serverless MFA";

    private Api() {
    }

    static String userId(APIGatewayV2HTTPEvent event) {
        return claims(event).get("sub");
    }

    static Map<String, String> claims(APIGatewayV2HTTPEvent event) {
        return event.getRequestContext().getAuthorizer().getJwt().getClaims();
    }

    static <T> T body(APIGatewayV2HTTPEvent event, Class<T> type) throws JsonProcessingException {
        return MAPPER.readValue(event.getBody(), type);
    }

    static APIGatewayV2HTTPResponse respond(int status, Object body) {
        try {
            return APIGatewayV2HTTPResponse.builder()
                    .withStatusCode(status)
                    .withHeaders(Map.of("Content-Type", "application/json"))
                    .withBody(MAPPER.writeValueAsString(body))
                    .build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static APIGatewayV2HTTPResponse error(int status, String code) {
        return respond(status, Map.of("error", code));
    }

    /** The request body of confirm and verify. */
    record CodeRequest(String code) {
    }
}

package io.serverlessmfa.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import io.serverlessmfa.functions.config.AwsClients;
import io.serverlessmfa.functions.config.MfaConfiguration;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code make invoke FUNCTION=SetupFunction EVENT=events/setup.json}: the Docker-free twin of
 * {@code sam local invoke}. Finds the handler template.yaml names for the function, reads the event
 * with the Lambda Java runtime's own serializer, runs the handler in-process against the emulator
 * in {@code AWS_ENDPOINT_URL} (creating the table and key there if missing), and prints the response
 * as the runtime would return it.
 */
public final class InvokeFunction {

    private InvokeFunction() {
    }

    public static void main(String[] arguments) throws Exception {
        if (arguments.length != 2) {
            System.err.println("usage: InvokeFunction <FunctionLogicalId> <event.json>");
            System.exit(2);
        }
        SamTemplate.Function function = SamTemplate.load(Path.of("template.yaml")).function(arguments[0]);
        MfaConfiguration configuration = MfaConfiguration.fromEnvironment(System.getenv());
        LocalResources.ensure(AwsClients.dynamoDb(configuration), AwsClients.kms(configuration),
                configuration.tableName(), configuration.requireKmsKeyId());

        ClassLoader loader = InvokeFunction.class.getClassLoader();
        PojoSerializer<APIGatewayV2HTTPEvent> events = LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, loader);
        PojoSerializer<APIGatewayV2HTTPResponse> responses = LambdaEventSerializers.serializerFor(APIGatewayV2HTTPResponse.class, loader);
        APIGatewayV2HTTPEvent event;
        try (InputStream in = Files.newInputStream(Path.of(arguments[1]))) {
            event = events.fromJson(in);
        }
        RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler = newHandler(function.handlerClass());
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        responses.toJson(response, System.out);
        System.out.println();
    }

    /** The handler as Lambda builds it: its public no-argument constructor (the init phase). */
    @SuppressWarnings("unchecked")
    static RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> newHandler(String className)
            throws ReflectiveOperationException {
        return (RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>)
                Class.forName(className).getConstructor().newInstance();
    }
}

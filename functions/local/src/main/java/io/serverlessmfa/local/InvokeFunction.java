package io.serverlessmfa.local;

import io.serverlessmfa.functions.config.AwsClients;
import io.serverlessmfa.functions.config.MfaConfiguration;
import io.serverlessmfa.functions.handler.MfaFunction;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code make invoke FUNCTION=SetupFunction EVENT=events/setup.json}: the Docker-free twin of
 * {@code sam local invoke}. Finds the handler template.yaml names for the function, hands it the
 * event file's bytes as Lambda's runtime hands a stream handler its event, runs it in-process
 * against the emulator in {@code AWS_ENDPOINT_URL} (creating the table and key there if missing),
 * and prints the response the handler writes, as Lambda returns it to API Gateway.
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

        // As Lambda (and `sam local invoke`) hands it over: the event file's bytes to the stream handler.
        MfaFunction handler = newHandler(function.handlerClass());
        try (InputStream in = Files.newInputStream(Path.of(arguments[1]))) {
            handler.handleRequest(in, System.out, null);
        }
        System.out.println();
    }

    /** The handler as Lambda builds it: its public no-argument constructor (the init phase). */
    static MfaFunction newHandler(String className) throws ReflectiveOperationException {
        return (MfaFunction) Class.forName(className).getConstructor().newInstance();
    }
}

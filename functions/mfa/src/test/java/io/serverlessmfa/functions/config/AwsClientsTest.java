package io.serverlessmfa.functions.config;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;

class AwsClientsTest {

    @Test
    void aSnapStartFunctionTakesItsCredentialsFromTheContainerEndpointLambdaGivesIt() {
        assertInstanceOf(ContainerCredentialsProvider.class, AwsClients.credentials(Map.of(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9001/2021-04-23/credentials",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN", "token")));
    }

    @Test
    void withoutTheContainerEndpointTheCredentialsComeFromTheEnvironment() {
        assertInstanceOf(EnvironmentVariableCredentialsProvider.class, AwsClients.credentials(Map.of(
                "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test")));
        assertInstanceOf(EnvironmentVariableCredentialsProvider.class, AwsClients.credentials(Map.of(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI", " ")));
    }
}

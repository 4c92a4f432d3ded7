package io.serverlessmfa.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The local gateway's CORS settings: template.yaml's, for the origins of MFA_CORS_ALLOWED_ORIGINS. */
class CorsTest {

    @Test
    void theAllowedHeadersMethodsAndMaxAgeAreTemplateYamls() throws Exception {
        Cors cors = Cors.of(SamTemplate.load(RepositoryFiles.template()), " https://portal.example.com ,http://localhost:8080,");
        assertEquals(Set.of("https://portal.example.com", "http://localhost:8080"), cors.allowedOrigins());
        // The contract's request headers: the bearer token, JSON bodies, the operator's step-up.
        assertEquals(List.of("authorization", "content-type", "x-mfa-token"), cors.allowHeaders());
        assertEquals(List.of("GET", "POST"), cors.allowMethods());
        assertEquals(600, cors.maxAgeSeconds());
    }

    @Test
    void noOriginMeansNoCorsAsTheTemplatesDefault() throws Exception {
        SamTemplate template = SamTemplate.load(RepositoryFiles.template());
        for (String origins : new String[] {null, "", " ", " , "}) {
            assertFalse(Cors.of(template, origins).enabled(), "[" + origins + "]");
        }
        assertFalse(Cors.none().isPreflight("OPTIONS", "https://portal.example.com", "POST"));
    }

    @Test
    void onlyAnAllowedOriginGetsHeadersAndOnlyAnOptionsWithOriginAndRequestedMethodIsAPreflight() throws Exception {
        Cors cors = Cors.of(SamTemplate.load(RepositoryFiles.template()), "https://portal.example.com");
        assertEquals(Map.of("Access-Control-Allow-Origin", "https://portal.example.com", "Vary", "Origin",
                "Access-Control-Expose-Headers", "retry-after,www-authenticate"), cors.responseHeaders("https://portal.example.com"));
        for (String other : new String[] {"https://portal.example.com.evil.example", "http://portal.example.com",
                "https://PORTAL.example.com", "null", "", null}) {
            assertEquals(Map.of(), cors.responseHeaders(other), other);
            assertEquals(Map.of(), cors.preflightHeaders(other), other);
        }
        assertTrue(cors.isPreflight("OPTIONS", "https://portal.example.com", "POST"));
        assertTrue(cors.isPreflight("OPTIONS", "https://other.example", "POST"), "answered, without CORS headers");
        assertFalse(cors.isPreflight("OPTIONS", "https://portal.example.com", null));
        assertFalse(cors.isPreflight("OPTIONS", null, "POST"));
        assertFalse(cors.isPreflight("POST", "https://portal.example.com", "POST"));
    }
}

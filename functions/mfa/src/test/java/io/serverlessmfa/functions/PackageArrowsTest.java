package io.serverlessmfa.functions;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The arrows between packages, checked on the compiled classes of the core and the functions:
 * handler → core ← adapters, and no package reaches back to one that reaches it. The core's
 * freedom from AWS is also a dependency ban in its pom (the build fails on it); this checks the
 * code, which the ban cannot see when a class merely sits in the wrong package.
 */
class PackageArrowsTest {

    private static final String CORE = "io.serverlessmfa.core..";
    /** The secondary adapters: what talks to AWS for the core. */
    private static final String[] ADAPTERS = {"io.serverlessmfa.functions.store..", "io.serverlessmfa.functions.crypto..",
            "io.serverlessmfa.functions.aws..", "io.serverlessmfa.functions.token..", "io.serverlessmfa.functions.bus.."};

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.serverlessmfa.core", "io.serverlessmfa.functions");
    }

    @Test
    void noPackageDependsOnAPackageThatDependsOnIt() {
        slices().matching("io.serverlessmfa.(*).(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theCoreKnowsNeitherTheFunctionsNorAwsNorLambda() {
        noClasses().that().resideInAPackage(CORE).should().dependOnClassesThat()
                .resideInAnyPackage("io.serverlessmfa.functions..", "software.amazon..", "com.amazonaws..",
                        "com.fasterxml..")
                .check(classes);
    }

    @Test
    void adaptersNeverReachBackIntoHandlersHttpOrConfiguration() {
        noClasses().that().resideInAnyPackage(ADAPTERS).should().dependOnClassesThat()
                .resideInAnyPackage("io.serverlessmfa.functions.handler..", "io.serverlessmfa.functions.http..",
                        "io.serverlessmfa.functions.config..")
                .check(classes);
    }

    @Test
    void handlersReachAwsOnlyThroughTheCoresPorts() {
        noClasses().that().resideInAPackage("io.serverlessmfa.functions.handler..").should().dependOnClassesThat()
                .resideInAnyPackage(ADAPTERS)
                .check(classes);
    }
}

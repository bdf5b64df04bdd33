package org.cam4j.testdata;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;

/**
 * The architecture rules every module's {@code ArchitectureTest} checks on its own classes: every package is a
 * slice, and no two packages reach each other through any chain of imports.
 */
public final class ArchitectureRules {
    /** No package cycle among cam4j's packages (each package its own slice, sub-packages included). */
    public static final ArchRule NO_PACKAGE_CYCLES = slices().matching("org.cam4j.(**)").namingSlices("$1")
            .should().beFreeOfCycles();

    /** The application core (cam-engine) uses no door: neither the CLI and server nor the Spark job. */
    public static final ArchRule CORE_USES_NO_DOOR = noClasses().that().resideInAPackage("org.cam4j.engine..")
            .should().dependOnClassesThat().resideInAnyPackage("org.cam4j.cli..", "org.cam4j.spark..");

    /** The Spark door is built on the core, not on the CLI (which finds it as a plugin). */
    public static final ArchRule SPARK_USES_NO_CLI = noClasses().that().resideInAPackage("org.cam4j.spark..")
            .should().dependOnClassesThat().resideInAPackage("org.cam4j.cli..");

    private ArchitectureRules() {
    }
}

package org.cam4j.testdata;

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

    private ArchitectureRules() {
    }
}

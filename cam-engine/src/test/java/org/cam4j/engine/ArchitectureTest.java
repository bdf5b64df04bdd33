package org.cam4j.engine;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.cam4j.testdata.ArchitectureRules;

/** The core's packages import each other without cycles, and the core uses no door. */
@AnalyzeClasses(packages = "org.cam4j.engine", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    @ArchTest
    static final ArchRule noPackageCycles = ArchitectureRules.NO_PACKAGE_CYCLES;

    @ArchTest
    static final ArchRule usesNoDoor = ArchitectureRules.CORE_USES_NO_DOOR;
}

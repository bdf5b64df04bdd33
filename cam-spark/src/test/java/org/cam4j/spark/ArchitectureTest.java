package org.cam4j.spark;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.cam4j.testdata.ArchitectureRules;

/** This module's packages import each other without cycles, and the Spark door is built on the core, not the CLI. */
@AnalyzeClasses(packages = "org.cam4j.spark", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    @ArchTest
    static final ArchRule noPackageCycles = ArchitectureRules.NO_PACKAGE_CYCLES;

    @ArchTest
    static final ArchRule usesNoCli = ArchitectureRules.SPARK_USES_NO_CLI;
}

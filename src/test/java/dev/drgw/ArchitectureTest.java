package dev.drgw;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The package rules of docs/architecture.md, as tests. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArchitectureTest {

  private static final String[] DOMAIN = {
    "dev.drgw.domain..", "dev.drgw.account..", "dev.drgw.number..", "dev.drgw.changes..",
    "dev.drgw.repeatability..", "dev.drgw.snapshot..", "dev.drgw.users..", "dev.drgw.audit.."
  };

  private JavaClasses classes;

  @BeforeAll
  void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.drgw");
  }

  @Test
  void theDomainDependsOnNothingButTheJdkAndItself() {
    noClasses()
        .that()
        .resideInAnyPackage(DOMAIN)
        .should()
        .dependOnClassesThat()
        .resideOutsideOfPackages(
            "java..", "dev.drgw.domain..", "dev.drgw.account..", "dev.drgw.number..",
            "dev.drgw.changes..", "dev.drgw.repeatability..", "dev.drgw.snapshot..",
            "dev.drgw.users..", "dev.drgw.audit..", "org.slf4j..")
        .check(classes);
  }

  @Test
  void edgesDoNotDependOnEachOther() {
    noClasses().that().resideInAPackage("dev.drgw.api..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.drgw.store..", "dev.drgw.config..")
        .check(classes);
    noClasses().that().resideInAPackage("dev.drgw.store..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.drgw.api..", "dev.drgw.auth..", "dev.drgw.config..")
        .check(classes);
    noClasses().that().resideInAnyPackage("dev.drgw.auth..", "dev.drgw.config..", "dev.drgw.metrics..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.drgw.api..", "dev.drgw.store..", "dev.drgw.portal..")
        .check(classes);
    // The portal is a second HTTP edge beside the API: it uses the same domain services, not the API.
    noClasses().that().resideInAPackage("dev.drgw.portal..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.drgw.api..", "dev.drgw.store..", "dev.drgw.config..")
        .check(classes);
    noClasses().that().resideInAPackage("dev.drgw.api..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.drgw.portal..")
        .check(classes);
  }

  @Test
  void protocolLibrariesStayInTheirEdge() {
    noClasses().that().resideOutsideOfPackages("dev.drgw.store..")
        .should().dependOnClassesThat().resideInAnyPackage("org.jdbi..", "org.flywaydb..", "com.zaxxer..", "java.sql..")
        .check(classes);
    noClasses().that().resideOutsideOfPackages("dev.drgw.auth..")
        .should().dependOnClassesThat().resideInAnyPackage("com.nimbusds..")
        .check(classes);
    noClasses().that().resideOutsideOfPackages("dev.drgw.dns..")
        .should().dependOnClassesThat().resideInAnyPackage("org.xbill..")
        .check(classes);
    noClasses().that().resideOutsideOfPackages("dev.drgw.sip..")
        .should().dependOnClassesThat().resideInAnyPackage("javax.sip..", "gov.nist..")
        .check(classes);
    noClasses().that().resideOutsideOfPackages("dev.drgw.api..", "dev.drgw.portal..", "dev.drgw.metrics..", "dev.drgw")
        .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "jakarta.servlet..")
        .check(classes);
  }

  @Test
  void noPackageCycles() {
    slices().matching("dev.drgw.(*)..").should().beFreeOfCycles().check(classes);
  }
}

package io.ferrolb.it.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hexagon as a test (the second enforcement, beside the enforcer rules in each module's pom):
 * the domain depends on nothing but the JDK, ports add no framework, adapters never see each other,
 * only the app sees Dagger, and the app reaches announcers through the port only.
 */
class ArchitectureTest {
  private static JavaClasses production;

  @BeforeAll
  static void importProductionClasses() {
    production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // test fixtures shipped as test-jars (the ports fakes) are tests too
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("io.ferrolb");
  }

  @Test
  void theDomainDependsOnlyOnTheJdk() {
    classes()
        .that()
        .resideInAPackage("io.ferrolb.domain..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("java..", "io.ferrolb.domain..", "org.immutables.value..")
        .check(production);
  }

  @Test
  void portsKnowNoNettyFabric8Pcap4jOrDagger() {
    classes()
        .that()
        .resideInAPackage("io.ferrolb.ports..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "java..", "io.ferrolb.domain..", "io.ferrolb.ports..", "org.immutables.value..")
        .check(production);
  }

  @Test
  void theDomainDoesNotDependOnPorts() {
    noClasses()
        .that()
        .resideInAPackage("io.ferrolb.domain..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.ferrolb.ports..", "io.ferrolb.adapters..", "io.ferrolb.app..")
        .check(production);
  }

  @Test
  void adaptersNeverDependOnEachOtherOrOnTheApp() {
    String[][] pairs = {
      {"io.ferrolb.adapters.k8s..", "io.ferrolb.adapters.l2..", "io.ferrolb.adapters.bgp.."},
      {"io.ferrolb.adapters.l2..", "io.ferrolb.adapters.k8s..", "io.ferrolb.adapters.bgp.."},
      {"io.ferrolb.adapters.bgp..", "io.ferrolb.adapters.k8s..", "io.ferrolb.adapters.l2.."},
    };
    for (String[] p : pairs) {
      noClasses()
          .that()
          .resideInAPackage(p[0])
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(p[1], p[2], "io.ferrolb.app..")
          .allowEmptyShould(true)
          .check(production);
    }
  }

  @Test
  void onlyTheAppSeesDagger() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.ferrolb.app..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dagger..", "javax.inject..", "jakarta.inject..")
        .check(production);
  }

  @Test
  void frameworksStayInTheirAdapters() {
    noClasses()
        .that()
        .resideOutsideOfPackages("io.ferrolb.adapters.k8s..", "io.ferrolb.app..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.fabric8..")
        .check(production);
    noClasses()
        .that()
        .resideOutsideOfPackages("io.ferrolb.adapters.bgp..", "io.ferrolb.app..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.netty..")
        .check(production);
    noClasses()
        .that()
        .resideOutsideOfPackages("io.ferrolb.adapters.l2..", "io.ferrolb.app..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.pcap4j..")
        .check(production);
  }

  /**
   * The app is a shell: announcers (the built-in {@code bgp} and {@code layer2} ones as much as a
   * plugin) are found by {@code ServiceLoader} and seen through {@code io.ferrolb.ports} only, so
   * no app class names a BGP class (codec, FSM, netty sessions, BFD, RIB, even the provider), netty
   * itself, or a Layer 2 class (ARP/NDP codecs, responder, interfaces, the gossip membership, which
   * comes through {@code io.ferrolb.ports.spi.MembershipProvider}).
   */
  @Test
  void theAppSeesNoAdapterInternals() {
    noClasses()
        .that()
        .resideInAPackage("io.ferrolb.app..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.ferrolb.adapters.bgp..", "io.netty..", "io.ferrolb.adapters.l2..")
        .check(production);
  }
}

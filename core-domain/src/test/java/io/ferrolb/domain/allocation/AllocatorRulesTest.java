package io.ferrolb.domain.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.IpFamily;
import io.ferrolb.domain.pool.IpRange;
import io.ferrolb.domain.pool.LabelSelector;
import io.ferrolb.domain.pool.Pool;
import io.ferrolb.domain.pool.ServiceAllocation;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * MetalLB's allocation rules (docs/configuration.md, "Address pools" and "Sharing an address") and
 * MetalLB compatibility checklist items 1-30 (ChecklistIT runs them end to end) at the domain
 * level, told as stories. {@link FakeController} plays the controller: it writes each decision back
 * as the Service's status and reprocesses everyone when the allocator says something freed.
 */
class AllocatorRulesTest {

  private static final AtomicInteger CLUSTER_IP = new AtomicInteger(1);

  static IpAddress ip(String s) {
    return IpAddress.parse(s);
  }

  static List<IpAddress> ips(String... s) {
    return Arrays.stream(s).map(IpAddress::parse).toList();
  }

  static Pool pool(String name, String... ranges) {
    return Pool.of(name, Arrays.stream(ranges).map(IpRange::parse).toList());
  }

  static Pool manualPool(String name, String... ranges) {
    return new Pool(
        name,
        Arrays.stream(ranges).map(IpRange::parse).toList(),
        false,
        false,
        Optional.empty(),
        Map.of());
  }

  static Pool buggyFreePool(String name, String... ranges) {
    return new Pool(
        name,
        Arrays.stream(ranges).map(IpRange::parse).toList(),
        true,
        true,
        Optional.empty(),
        Map.of());
  }

  static Pool scopedPool(String name, ServiceAllocation sa, String... ranges) {
    return new Pool(
        name,
        Arrays.stream(ranges).map(IpRange::parse).toList(),
        true,
        false,
        Optional.of(sa),
        Map.of());
  }

  static ServiceAllocation namespaces(int priority, String... ns) {
    return new ServiceAllocation(priority, List.of(ns), List.of(), List.of());
  }

  static ServiceAllocation priorityOnly(int priority) {
    return new ServiceAllocation(priority, List.of(), List.of(), List.of());
  }

  static ServiceRequest.Builder v4(String name) {
    return v4("default", name);
  }

  static ServiceRequest.Builder v4(String ns, String name) {
    int n = CLUSTER_IP.getAndIncrement();
    return ServiceRequest.builder(ns, name).clusterIps(IpAddress.v4(0x0A60_0000L + n));
  }

  static ServiceRequest.Builder v6(String name) {
    int n = CLUSTER_IP.getAndIncrement();
    return ServiceRequest.builder("default", name).clusterIps(IpAddress.v6(0xfd00_0096L << 32, n));
  }

  static ServiceRequest.Builder dual(String name, IpFamilyPolicy policy, IpFamily first) {
    int n = CLUSTER_IP.getAndIncrement();
    IpAddress a = IpAddress.v4(0x0A60_0000L + n);
    IpAddress b = IpAddress.v6(0xfd00_0096L << 32, n);
    ServiceRequest.Builder r =
        ServiceRequest.builder("default", name)
            .ipFamilyPolicy(policy)
            .ipFamilies(first, first.other());
    return first == IpFamily.IPV4 ? r.clusterIps(a, b) : r.clusterIps(b, a);
  }

  static AllocationResult.Allocated allocated(AllocationResult d) {
    assertThat(d).isInstanceOf(AllocationResult.Allocated.class);
    return (AllocationResult.Allocated) d;
  }

  static AllocationResult.Rejected rejected(AllocationResult d) {
    assertThat(d).isInstanceOf(AllocationResult.Rejected.class);
    return (AllocationResult.Rejected) d;
  }

  static List<String> reasons(AllocationResult d) {
    return d.events().stream().map(UserEvent::reason).toList();
  }

  // ------------------------------------------------------------------ 1: lowest free address

  @Nested
  class LowestFreeAddress {

    @Test
    void firstServiceGetsTheLowestAddressIncludingTheNetworkAddressAndIsToldSo() {
      FakeController c = new FakeController(pool("blue", "10.0.0.0/24"));

      AllocationResult.Allocated a = allocated(c.apply(v4("s1")));

      assertThat(a.ips()).containsExactly(ip("10.0.0.0"));
      assertThat(a.pool()).isEqualTo("blue");
      assertThat(a.changed()).isTrue();
      assertThat(a.events())
          .containsExactly(
              new UserEvent(EventType.NORMAL, "IPAllocated", "Assigned IP [\"10.0.0.0\"]"));
    }

    @Test
    void reconcilingAgainWithTheWrittenStatusChangesNothingAndSaysNothing() {
      FakeController c = new FakeController(pool("blue", "10.0.0.0/24"));
      c.apply(v4("s1"));

      AllocationResult.Allocated again = allocated(c.reconcile(new ServiceKey("default", "s1")));

      assertThat(again.ips()).containsExactly(ip("10.0.0.0"));
      assertThat(again.changed()).isFalse();
      assertThat(again.events()).isEmpty();
    }

    @Test
    void rangesAreWalkedInDeclarationOrderNotAddressOrder() {
      FakeController c = new FakeController(pool("blue", "10.0.1.0/31", "10.0.0.0/31"));

      c.apply(v4("s1"));
      c.apply(v4("s2"));
      c.apply(v4("s3"));

      assertThat(c.ingressOf("default", "s1")).containsExactly(ip("10.0.1.0"));
      assertThat(c.ingressOf("default", "s2")).containsExactly(ip("10.0.1.1"));
      assertThat(c.ingressOf("default", "s3")).containsExactly(ip("10.0.0.0"));
    }

    @Test
    void aReleasedLowAddressIsTheNextOneHandedOut() {
      FakeController c = new FakeController(pool("blue", "10.0.0.0/24"));
      c.apply(v4("s1"));
      c.apply(v4("s2"));
      c.apply(v4("s3"));

      c.delete("default", "s2");
      c.apply(v4("s4"));

      assertThat(c.ingressOf("default", "s4")).containsExactly(ip("10.0.0.1"));
    }

    @Test
    void anIpv6PoolGivesThePrefixAddressFirst() {
      FakeController c = new FakeController(pool("v6", "2001:db8:5::/64"));

      assertThat(allocated(c.apply(v6("s1"))).ips()).containsExactly(ip("2001:db8:5::"));
    }

    @Test
    void unscopedPoolsAreTriedInDeclarationOrder() {
      FakeController c =
          new FakeController(pool("first", "10.0.9.0/32"), pool("second", "10.0.1.0/24"));

      assertThat(allocated(c.apply(v4("s1"))).pool()).isEqualTo("first");
      assertThat(allocated(c.apply(v4("s2"))).pool()).isEqualTo("second");
    }

    @Test
    void rangeAndCidrFormsBothWorkForBothFamilies() {
      FakeController c =
          new FakeController(
              pool("r4", "10.0.0.10-10.0.0.11"), pool("r6", "2001:db8::a - 2001:db8::b"));

      assertThat(allocated(c.apply(v4("a"))).ips()).containsExactly(ip("10.0.0.10"));
      assertThat(allocated(c.apply(v4("b"))).ips()).containsExactly(ip("10.0.0.11"));
      assertThat(allocated(c.apply(v6("c"))).ips()).containsExactly(ip("2001:db8::a"));
    }
  }

  // ------------------------------------------------------------------ 2, 3: freeing

  @Nested
  class FreeingAddresses {

    @Test
    void s2CantGrabS1sIpAndWaits() {
      FakeController c = new FakeController(pool("tiny", "10.0.0.7/32"));
      c.apply(v4("s1"));

      AllocationResult.Rejected r = rejected(c.apply(v4("s2")));

      assertThat(r.reason()).isEqualTo(RejectionReason.POOL_EXHAUSTED);
      assertThat(r.events())
          .containsExactly(
              new UserEvent(
                  EventType.WARNING,
                  "AllocationFailed",
                  "Failed to allocate IP for \"default/s2\": no available IPs"));
      assertThat(c.ingressOf("default", "s2")).isEmpty();
    }

    @Test
    void switchingToClusterIpClearsTheIngressAndThePendingServiceGetsTheAddress() {
      FakeController c = new FakeController(pool("tiny", "10.0.0.7/32"));
      c.apply(v4("s1"));
      c.apply(v4("s2"));

      AllocationResult d =
          c.apply(c.specs.get(new ServiceKey("default", "s1")).toBuilder().type("ClusterIP"));

      assertThat(d).isInstanceOf(AllocationResult.Cleared.class);
      assertThat(c.ingressOf("default", "s1")).isEmpty();
      assertThat(c.ingressOf("default", "s2")).containsExactly(ip("10.0.0.7"));
    }

    @Test
    void deletingAServiceHandsItsAddressToAPendingOne() {
      FakeController c = new FakeController(pool("tiny", "10.0.0.7/32"));
      c.apply(v4("s1"));
      c.apply(v4("s2"));
      long before = c.allocator.generation();

      c.delete("default", "s1");

      assertThat(c.allocator.generation()).isGreaterThan(before);
      assertThat(c.ingressOf("default", "s2")).containsExactly(ip("10.0.0.7"));
    }

    @Test
    void releaseReturnsWhatTheServiceHeld() {
      Allocator a = new Allocator();
      a.setPools(List.of(pool("blue", "10.0.0.0/30")));
      a.reconcile(v4("s1").build(), "", Map.of());

      assertThat(a.release(new ServiceKey("default", "s1")))
          .contains(new Assignment(new ServiceKey("default", "s1"), "blue", ips("10.0.0.0")));
      assertThat(a.release(new ServiceKey("default", "s1"))).isEmpty();
      assertThat(a.stats().get(0).inUseV4()).isZero();
    }

    @Test
    void noPoolsOrNoClusterIpClearsTheService() {
      Allocator a = new Allocator();
      assertThat(a.reconcile(v4("s1").build(), "", Map.of()))
          .isInstanceOf(AllocationResult.Cleared.class);

      a.setPools(List.of(pool("blue", "10.0.0.0/30")));
      ServiceRequest headless = ServiceRequest.builder("default", "h").build();
      assertThat(a.reconcile(headless, "", Map.of())).isInstanceOf(AllocationResult.Cleared.class);
    }
  }

  // ------------------------------------------------------------------ 4-9: requests

  @Nested
  class RequestedAddressesAndPools {

    @Test
    void anAutoAssignFalsePoolIsNeverUsedAutomaticallyButServesExplicitRequests() {
      FakeController c =
          new FakeController(manualPool("manual", "10.0.5.0/30"), pool("auto", "10.0.0.0/30"));

      assertThat(allocated(c.apply(v4("auto1"))).pool()).isEqualTo("auto");
      assertThat(
              allocated(c.apply(v4("byPool").annotation("metallb.io/address-pool", "manual")))
                  .ips())
          .containsExactly(ip("10.0.5.0"));
      assertThat(allocated(c.apply(v4("byIp").specLoadBalancerIp("10.0.5.3"))).ips())
          .containsExactly(ip("10.0.5.3"));
    }

    @Test
    void anUnknownPoolLeavesTheServicePending() {
      FakeController c = new FakeController(pool("blue", "10.0.0.0/30"));

      AllocationResult.Rejected r =
          rejected(c.apply(v4("s1").annotation("metallb.io/address-pool", "nope")));

      assertThat(r.reason()).isEqualTo(RejectionReason.UNKNOWN_POOL);
      assertThat(r.events().get(0).message())
          .isEqualTo("Failed to allocate IP for \"default/s1\": unknown pool \"nope\"");
    }

    @Test
    void aFullRequestedPoolLeavesTheServicePendingEvenIfOthersHaveRoom() {
      FakeController c =
          new FakeController(pool("small", "10.0.0.1/32"), pool("big", "10.0.1.0/24"));
      c.apply(v4("s1").annotation("metallb.io/address-pool", "small"));

      AllocationResult.Rejected r =
          rejected(c.apply(v4("s2").annotation("metallb.io/address-pool", "small")));

      assertThat(r.reason()).isEqualTo(RejectionReason.POOL_EXHAUSTED);
      assertThat(r.detail()).isEqualTo("no available IPs in pool small");
    }

    @Test
    void aRequestedIpOutsideEveryPoolIsRefused() {
      FakeController c = new FakeController(pool("blue", "10.0.0.0/30"));

      AllocationResult.Rejected r = rejected(c.apply(v4("s1").specLoadBalancerIp("203.0.113.9")));

      assertThat(r.reason()).isEqualTo(RejectionReason.IP_NOT_IN_ANY_POOL);
      assertThat(r.events())
          .containsExactly(
              new UserEvent(
                  EventType.WARNING,
                  "AllocationFailed",
                  "Failed to allocate IP for \"default/s1\": [\"203.0.113.9\"] is not allowed in"
                      + " config"));
    }

    @Test
    void specLoadBalancerIpAndTheAnnotationTogetherFailWithLoadBalancerFailed() {
      FakeController c = new FakeController(pool("blue", "10.0.0.0/30"));

      AllocationResult.Rejected r =
          rejected(
              c.apply(
                  v4("s1")
                      .specLoadBalancerIp("10.0.0.1")
                      .annotation("metallb.io/loadBalancerIPs", "10.0.0.2")));

      assertThat(r.reason()).isEqualTo(RejectionReason.INVALID_REQUESTED_IPS);
      assertThat(r.events())
          .containsExactly(
              new UserEvent(
                  EventType.WARNING,
                  "LoadBalancerFailed",
                  "invalid requested loadbalancer IPs: service can not have both"
                      + " metallb.io/loadBalancerIPs and svc.Spec.LoadBalancerIP"));
      assertThat(c.allocator.stats().get(0).inUseV4()).isZero();
    }

    @Test
    void aLiveServiceThatGetsBothRequestsKeepsItsAddressAndIsWarned() {
      FakeController c = new FakeController(pool("blue", "10.0.0.0/30"));
      c.apply(v4("s1").specLoadBalancerIp("10.0.0.1"));

      AllocationResult d =
          c.apply(
              c.specs.get(new ServiceKey("default", "s1")).toBuilder()
                  .annotation("metallb.io/loadBalancerIPs", "10.0.0.2"));

      assertThat(allocated(d).ips()).containsExactly(ip("10.0.0.1"));
      assertThat(reasons(d)).containsExactly("LoadBalancerFailed");
    }

    @Test
    void unparsableRequestedIpsAreRefusedNamingTheText() {
      FakeController c = new FakeController(pool("blue", "10.0.0.0/30"));

      assertThat(rejected(c.apply(v4("s1").specLoadBalancerIp("10.0.0.999"))).detail())
          .isEqualTo("invalid spec.loadBalancerIP \"10.0.0.999\"");
      assertThat(
              rejected(c.apply(v4("s2").annotation("metallb.io/loadBalancerIPs", "10.0.0.1,")))
                  .detail())
          .isEqualTo("invalid metallb.io/loadBalancerIPs: \"10.0.0.1,\"");
    }

    @Test
    void theIpListAnnotationIsTrimmedAndCanCarryADualStackPair() {
      FakeController c = new FakeController(pool("dual", "10.0.0.0/30", "2001:db8::/126"));

      AllocationResult.Allocated a =
          allocated(
              c.apply(
                  dual("s1", IpFamilyPolicy.REQUIRE_DUAL_STACK, IpFamily.IPV4)
                      .annotation("metallb.io/loadBalancerIPs", " 10.0.0.2 , 2001:db8::3 ")));

      assertThat(a.ips()).containsExactly(ip("10.0.0.2"), ip("2001:db8::3"));
    }

    @Test
    void aRequestedIpNotInTheRequestedPoolAllocatesNothing() {
      FakeController c =
          new FakeController(pool("blue", "10.0.0.0/30"), pool("green", "10.0.1.0/30"));

      AllocationResult.Rejected r =
          rejected(
              c.apply(
                  v4("s1")
                      .specLoadBalancerIp("10.0.0.1")
                      .annotation("metallb.io/address-pool", "green")));

      assertThat(r.reason()).isEqualTo(RejectionReason.IP_NOT_IN_REQUESTED_POOL);
      assertThat(r.detail())
          .isEqualTo(
              "requested loadBalancer IP(s) [\"10.0.0.1\"] is not compatible with requested"
                  + " address pool green");
      assertThat(c.allocator.stats()).allMatch(s -> s.inUseV4().signum() == 0);
      assertThat(c.allocator.assignment(new ServiceKey("default", "s1"))).isEmpty();
    }

    @Test
    void changingTheRequestedIpMovesALiveServiceAndFreesTheOldAddress() {
      FakeController c = new FakeController(pool("blue", "10.0.0.0/24"));
      c.apply(v4("s1").specLoadBalancerIp("10.0.0.5"));

      AllocationResult.Allocated moved =
          allocated(
              c.apply(
                  c.specs.get(new ServiceKey("default", "s1")).toBuilder()
                      .specLoadBalancerIp("10.0.0.9")));

      assertThat(moved.ips()).containsExactly(ip("10.0.0.9"));
      assertThat(moved.changed()).isTrue();
      assertThat(allocated(c.apply(v4("s2").specLoadBalancerIp("10.0.0.5"))).ips())
          .containsExactly(ip("10.0.0.5"));
    }

    @Test
    void changingThePoolAnnotationReallocatesFromTheNewPool() {
      FakeController c =
          new FakeController(pool("blue", "10.0.0.0/30"), pool("green", "10.0.1.0/30"));
      c.apply(v4("s1"));

      AllocationResult.Allocated a =
          allocated(
              c.apply(
                  c.specs.get(new ServiceKey("default", "s1")).toBuilder()
                      .annotation("metallb.io/address-pool", "green")));

      assertThat(a.pool()).isEqualTo("green");
      assertThat(a.ips()).containsExactly(ip("10.0.1.0"));
      assertThat(c.allocator.stats().get(0).inUseV4()).isZero();
    }

    @Test
    void anIpv4MappedRequestIsReadAsIpv4LikeGoDoes() {
      FakeController c = new FakeController(pool("blue", "10.0.0.0/30"));

      assertThat(allocated(c.apply(v4("s1").specLoadBalancerIp("::ffff:10.0.0.2"))).ips())
          .containsExactly(ip("10.0.0.2"));
    }
  }

  // ------------------------------------------------------------------ 10: avoidBuggyIPs

  @Nested
  class AvoidBuggyIps {

    @Test
    void aBuggyFreePoolNeverHandsOutDotZeroOrDot255AndDoesNotCountThem() {
      FakeController c = new FakeController(buggyFreePool("b", "10.0.0.0/24"));

      assertThat(allocated(c.apply(v4("s1"))).ips()).containsExactly(ip("10.0.0.1"));
      assertThat(rejected(c.apply(v4("s2").specLoadBalancerIp("10.0.0.255"))).reason())
          .isEqualTo(RejectionReason.IP_NOT_IN_ANY_POOL);
      assertThat(c.allocator.stats().get(0).capacityV4()).isEqualTo(BigInteger.valueOf(254));
    }

    @Test
    void aBuggyFreePoolSkipsAcrossSlash24Boundaries() {
      FakeController c = new FakeController(buggyFreePool("b", "10.0.0.254-10.0.1.1"));

      c.apply(v4("s1"));

      assertThat(allocated(c.apply(v4("s2"))).ips()).containsExactly(ip("10.0.1.1"));
    }

    @Test
    void turningAvoidBuggyIpsOnTakesDotZeroAwayFromItsHolder() {
      FakeController c = new FakeController(pool("b", "10.0.0.0/30"));
      c.apply(v4("s1"));

      PoolsChange change = c.setPools(buggyFreePool("b", "10.0.0.0/30"));

      assertThat(change.lostAddresses()).containsExactly(new ServiceKey("default", "s1"));
      assertThat(c.ingressOf("default", "s1")).containsExactly(ip("10.0.0.1"));
      assertThat(reasons(c.lastOf("default", "s1")))
          .containsExactly("ClearAssignment", "IPAllocated");
    }
  }

  // ------------------------------------------------------------------ 13-16: serviceAllocation

  @Nested
  class ServiceAllocationScopes {

    @Test
    void aNamespaceScopedPoolServesOnlyItsNamespacesOthersFallBackToUnscopedPools() {
      FakeController c =
          new FakeController(
              scopedPool("team-a-pool", namespaces(0, "team-a"), "10.0.1.0/30"),
              pool("shared", "10.0.0.0/30"));

      assertThat(allocated(c.apply(v4("team-a", "s1"))).pool()).isEqualTo("team-a-pool");
      assertThat(allocated(c.apply(v4("team-b", "s2"))).pool()).isEqualTo("shared");
    }

    @Test
    void anotherNamespaceCannotRequestAnIpFromAScopedPool() {
      FakeController c =
          new FakeController(scopedPool("team-a-pool", namespaces(0, "team-a"), "10.0.1.0/30"));

      AllocationResult.Rejected r =
          rejected(c.apply(v4("team-b", "s1").specLoadBalancerIp("10.0.1.1")));

      assertThat(r.reason()).isEqualTo(RejectionReason.POOL_NOT_ALLOWED);
      assertThat(r.detail()).isEqualTo("pool team-a-pool not compatible for ip assignment");
    }

    @Test
    void aScopedPoolThatIsFullFallsBackToUnscopedPools() {
      FakeController c =
          new FakeController(
              scopedPool("a", namespaces(0, "team-a"), "10.0.1.0/32"),
              pool("shared", "10.0.0.0/30"));
      c.apply(v4("team-a", "s1"));

      assertThat(allocated(c.apply(v4("team-a", "s2"))).pool()).isEqualTo("shared");
    }

    @Test
    void namespaceSelectorsFollowNamespaceLabelChangesWithoutRestart() {
      ServiceAllocation gold =
          new ServiceAllocation(
              0, List.of(), List.of(LabelSelector.ofLabels(Map.of("tier", "gold"))), List.of());
      FakeController c =
          new FakeController(scopedPool("gold", gold, "10.0.1.0/30"), pool("std", "10.0.0.0/30"));

      assertThat(allocated(c.apply(v4("shop", "s1"))).pool()).isEqualTo("std");

      c.labelNamespace("shop", Map.of("tier", "gold"));
      assertThat(allocated(c.apply(v4("shop", "s2"))).pool()).isEqualTo("gold");

      c.labelNamespace("shop", Map.of());
      // s2's address is no longer allowed: cleared and re-allocated from the fallback pool
      assertThat(c.ingressOf("shop", "s2")).containsExactly(ip("10.0.0.1"));
      assertThat(reasons(c.lastOf("shop", "s2")))
          .isEmpty(); // the change happened during reprocessing; its events were recorded then
      assertThat(c.eventsOf("shop", "s2"))
          .extracting(UserEvent::reason)
          .contains("ClearAssignment");
    }

    @Test
    void serviceSelectorsRestrictThePoolToMatchingServices() {
      ServiceAllocation web =
          new ServiceAllocation(
              0, List.of(), List.of(), List.of(LabelSelector.ofLabels(Map.of("app", "web"))));
      FakeController c =
          new FakeController(scopedPool("web", web, "10.0.1.0/30"), pool("std", "10.0.0.0/30"));

      assertThat(allocated(c.apply(v4("s1").label("app", "web"))).pool()).isEqualTo("web");
      assertThat(allocated(c.apply(v4("s2").label("app", "db"))).pool()).isEqualTo("std");
      assertThat(rejected(c.apply(v4("s3").specLoadBalancerIp("10.0.1.3"))).reason())
          .isEqualTo(RejectionReason.POOL_NOT_ALLOWED);
    }

    @Test
    void namespacesAndServiceSelectorsMustBothMatch() {
      ServiceAllocation both =
          new ServiceAllocation(
              0,
              List.of("team-a"),
              List.of(),
              List.of(LabelSelector.ofLabels(Map.of("app", "web"))));
      FakeController c =
          new FakeController(scopedPool("p", both, "10.0.1.0/30"), pool("std", "10.0.0.0/30"));

      assertThat(allocated(c.apply(v4("team-a", "s1").label("app", "web"))).pool()).isEqualTo("p");
      assertThat(allocated(c.apply(v4("team-a", "s2"))).pool()).isEqualTo("std");
      assertThat(allocated(c.apply(v4("team-b", "s3").label("app", "web"))).pool())
          .isEqualTo("std");
    }

    @Test
    void lowerPriorityNumberWinsZeroIsLastAndAFullPoolPassesToTheNext() {
      FakeController c =
          new FakeController(
              pool("unscoped", "10.0.9.0/30"),
              scopedPool("p0", priorityOnly(0), "10.0.0.0/32"),
              scopedPool("p2", priorityOnly(2), "10.0.2.0/32"),
              scopedPool("p1", priorityOnly(1), "10.0.1.0/32"));

      assertThat(allocated(c.apply(v4("s1"))).pool()).isEqualTo("p1");
      assertThat(allocated(c.apply(v4("s2"))).pool()).isEqualTo("p2");
      assertThat(allocated(c.apply(v4("s3"))).pool()).isEqualTo("p0");
      assertThat(allocated(c.apply(v4("s4"))).pool()).isEqualTo("unscoped");
    }

    @Test
    void equalPrioritiesAreTriedInDeclarationOrder() {
      FakeController c =
          new FakeController(
              scopedPool("x", priorityOnly(5), "10.0.1.0/32"),
              scopedPool("y", priorityOnly(5), "10.0.0.0/32"));

      assertThat(allocated(c.apply(v4("s1"))).pool()).isEqualTo("x");
      assertThat(allocated(c.apply(v4("s2"))).pool()).isEqualTo("y");
    }
  }

  // ------------------------------------------------------------------ 17-22: sharing

  @Nested
  class Sharing {

    static final String KEY = "metallb.io/allow-shared-ip";

    @Test
    void sameKeyDisjointPortsClusterPolicyShareTheRequestedIp() {
      FakeController c = new FakeController(pool("blue", "10.0.0.0/24"));
      c.apply(v4("web").annotation(KEY, "k").port(Protocol.TCP, 80).specLoadBalancerIp("10.0.0.5"));

      AllocationResult.Allocated a =
          allocated(
              c.apply(
                  v4("web-tls")
                      .annotation(KEY, "k")
                      .port(Protocol.TCP, 443)
                      .specLoadBalancerIp("10.0.0.5")));

      assertThat(a.ips()).containsExactly(ip("10.0.0.5"));
      assertThat(c.allocator.stats().get(0).inUseV4()).isEqualTo(BigInteger.ONE);
    }

    @Test
    void sameKeyOverlappingPortLeavesTheSecondServicePending() {
      FakeController c = new FakeController(pool("blue", "10.0.0.0/24"));
      c.apply(v4("s1").annotation(KEY, "k").port(Protocol.TCP, 80).specLoadBalancerIp("10.0.0.5"));

      AllocationResult.Rejected r =
          rejected(
              c.apply(
                  v4("s2")
                      .annotation(KEY, "k")
                      .port(Protocol.TCP, 80)
                      .specLoadBalancerIp("10.0.0.5")));

      assertThat(r.reason()).isEqualTo(RejectionReason.PORT_CONFLICT);
      assertThat(r.detail()).isEqualTo("port TCP/80 is already in use on \"10.0.0.5\"");
    }

    @Test
    void differentKeysOrAMissingKeyNeverShare() {
      FakeController c = new FakeController(pool("blue", "10.0.0.0/24"));
      c.apply(v4("s1").annotation(KEY, "k").port(Protocol.TCP, 80).specLoadBalancerIp("10.0.0.5"));

      AllocationResult.Rejected other =
          rejected(
              c.apply(
                  v4("s2")
                      .annotation(KEY, "other")
                      .port(Protocol.TCP, 81)
                      .specLoadBalancerIp("10.0.0.5")));
      AllocationResult.Rejected none =
          rejected(c.apply(v4("s3").port(Protocol.TCP, 82).specLoadBalancerIp("10.0.0.5")));

      assertThat(other.reason()).isEqualTo(RejectionReason.SHARING_KEY_MISMATCH);
      assertThat(other.detail())
          .isEqualTo(
              "can't change sharing key for \"default/s2\", address also in use by default/s1");
      assertThat(none.reason()).isEqualTo(RejectionReason.SHARING_KEY_MISMATCH);
    }

    @Test
    void localPolicySharesOnlyWithIdenticalSelectorsAndNeverWithCluster() {
      FakeController c = new FakeController(pool("blue", "10.0.0.0/24"));
      c.apply(
          v4("l1")
              .annotation(KEY, "k")
              .externalTrafficPolicy(TrafficPolicy.LOCAL)
              .selector("app", "dns")
              .selector("tier", "edge")
              .port(Protocol.TCP, 53)
              .specLoadBalancerIp("10.0.0.5"));

      AllocationResult sameSelector =
          c.apply(
              v4("l2")
                  .annotation(KEY, "k")
                  .externalTrafficPolicy(TrafficPolicy.LOCAL)
                  .selector("tier", "edge")
                  .selector("app", "dns")
                  .port(Protocol.UDP, 53)
                  .specLoadBalancerIp("10.0.0.5"));
      AllocationResult otherSelector =
          c.apply(
              v4("l3")
                  .annotation(KEY, "k")
                  .externalTrafficPolicy(TrafficPolicy.LOCAL)
                  .selector("app", "web")
                  .port(Protocol.TCP, 80)
                  .specLoadBalancerIp("10.0.0.5"));
      AllocationResult cluster =
          c.apply(
              v4("c1").annotation(KEY, "k").port(Protocol.TCP, 81).specLoadBalancerIp("10.0.0.5"));

      assertThat(allocated(sameSelector).ips()).containsExactly(ip("10.0.0.5"));
      assertThat(rejected(otherSelector).reason()).isEqualTo(RejectionReason.SHARING_KEY_MISMATCH);
      assertThat(rejected(cluster).reason()).isEqualTo(RejectionReason.SHARING_KEY_MISMATCH);
    }

    @Test
    void tcp53AndUdp53ShareOneAddress() {
      FakeController c = new FakeController(pool("blue", "10.0.0.0/24"));
      c.apply(
          v4("dns-tcp")
              .annotation(KEY, "dns")
              .port(Protocol.TCP, 53)
              .specLoadBalancerIp("10.0.0.53"));

      assertThat(
              allocated(
                      c.apply(
                          v4("dns-udp")
                              .annotation(KEY, "dns")
                              .port(Protocol.UDP, 53)
                              .specLoadBalancerIp("10.0.0.53")))
                  .ips())
          .containsExactly(ip("10.0.0.53"));
    }

    @Test
    void automaticAllocationJoinsTheLowestShareableAddressBeforeAFreeOne() {
      FakeController c = new FakeController(pool("blue", "10.0.0.0/24"));
      c.apply(v4("a").annotation(KEY, "k").port(Protocol.TCP, 80));
      c.apply(v4("solo"));

      AllocationResult.Allocated b =
          allocated(c.apply(v4("b").annotation(KEY, "k").port(Protocol.UDP, 53)));
      AllocationResult.Allocated d =
          allocated(c.apply(v4("d").annotation(KEY, "k").port(Protocol.TCP, 80)));

      assertThat(b.ips()).containsExactly(ip("10.0.0.0")); // joins a
      assertThat(d.ips()).containsExactly(ip("10.0.0.2")); // TCP/80 taken on .0, .1 is solo's
    }

    @Test
    void aSoleUserMayChangeItsOwnSharingKeyInPlace() {
      FakeController c = new FakeController(pool("blue", "10.0.0.0/24"));
      c.apply(v4("s1").annotation(KEY, "old").specLoadBalancerIp("10.0.0.5"));

      AllocationResult d =
          c.apply(c.specs.get(new ServiceKey("default", "s1")).toBuilder().annotation(KEY, "new"));

      assertThat(allocated(d).ips()).containsExactly(ip("10.0.0.5"));
      assertThat(d.events()).isEmpty();
    }

    @Test
    void becomingIncompatibleDropsTheAddressAndBecomingCompatibleAgainGetsItBack() {
      FakeController c = new FakeController(pool("blue", "10.0.0.0/24"));
      c.apply(v4("s1").annotation(KEY, "k").port(Protocol.TCP, 80).specLoadBalancerIp("10.0.0.5"));
      c.apply(v4("s2").annotation(KEY, "k").port(Protocol.TCP, 81).specLoadBalancerIp("10.0.0.5"));

      // s2 switches to Local: its backend key no longer matches s1's
      AllocationResult d =
          c.apply(
              c.specs.get(new ServiceKey("default", "s2")).toBuilder()
                  .externalTrafficPolicy(TrafficPolicy.LOCAL)
                  .selector("app", "x"));
      assertThat(rejected(d).reason()).isEqualTo(RejectionReason.SHARING_KEY_MISMATCH);
      assertThat(reasons(d)).containsExactly("ClearAssignment", "AllocationFailed");

      // s1 follows (sole user, changes its key in place): the allocator signals, s2 is retried
      c.apply(
          c.specs.get(new ServiceKey("default", "s1")).toBuilder()
              .externalTrafficPolicy(TrafficPolicy.LOCAL)
              .selector("app", "x"));
      assertThat(c.ingressOf("default", "s2")).containsExactly(ip("10.0.0.5"));
    }

    @Test
    void aSharedAddressStaysUsedUntilItsLastHolderLeaves() {
      FakeController c = new FakeController(pool("blue", "10.0.0.5/32"));
      c.apply(v4("s1").annotation(KEY, "k").port(Protocol.TCP, 80));
      c.apply(v4("s2").annotation(KEY, "k").port(Protocol.TCP, 81));

      c.delete("default", "s1");
      assertThat(rejected(c.apply(v4("s3"))).reason()).isEqualTo(RejectionReason.POOL_EXHAUSTED);

      c.delete("default", "s2");
      assertThat(c.ingressOf("default", "s3")).containsExactly(ip("10.0.0.5"));
    }
  }

  // ------------------------------------------------------------------ 23: pools change

  @Nested
  class PoolsChanging {

    @Test
    void deletingThePoolHoldingAnAddressReassignsFromAnotherPool() {
      FakeController c = new FakeController(pool("old", "10.0.0.0/30"), pool("new", "10.0.1.0/30"));
      c.apply(v4("s1"));

      PoolsChange change = c.setPools(pool("new", "10.0.1.0/30"));

      assertThat(change.lostAddresses()).containsExactly(new ServiceKey("default", "s1"));
      assertThat(c.ingressOf("default", "s1")).containsExactly(ip("10.0.1.0"));
      assertThat(reasons(c.lastOf("default", "s1")))
          .containsExactly("ClearAssignment", "IPAllocated");
      assertThat(c.lastOf("default", "s1").events().get(0).message())
          .isEqualTo(
              "current IP for \"default/s1\" not allowed by config, will attempt for new IP"
                  + " assignment: [\"10.0.0.0\"] is not allowed in config");
    }

    @Test
    void deletingAllPoolsClearsEveryIngress() {
      FakeController c = new FakeController(pool("blue", "10.0.0.0/30"));
      c.apply(v4("s1"));
      c.apply(v4("s2"));

      c.setPools();

      assertThat(c.allIngress().values()).allMatch(List::isEmpty);
      assertThat(c.lastOf("default", "s1")).isInstanceOf(AllocationResult.Cleared.class);
    }

    @Test
    void validAssignmentsSurviveAPoolChangeEvenARename() {
      FakeController c = new FakeController(pool("blue", "10.0.0.0/29"));
      c.apply(v4("s1"));
      c.apply(v4("s2"));

      PoolsChange change = c.setPools(pool("azure", "10.0.0.0/29"));

      assertThat(change.lostAddresses()).isEmpty();
      assertThat(c.ingressOf("default", "s2")).containsExactly(ip("10.0.0.1"));
      assertThat(c.allocator.assignment(new ServiceKey("default", "s2")).orElseThrow().pool())
          .isEqualTo("azure");
    }

    @Test
    void shrinkingAPoolMovesOnlyTheServicesOutsideTheNewRanges() {
      FakeController c = new FakeController(pool("blue", "10.0.0.0/29"));
      for (int i = 0; i < 6; i++) {
        c.apply(v4("s" + i));
      }

      PoolsChange change = c.setPools(pool("blue", "10.0.0.0/30", "10.0.0.6/31"));

      assertThat(change.lostAddresses())
          .containsExactlyInAnyOrder(
              new ServiceKey("default", "s4"), new ServiceKey("default", "s5"));
      assertThat(c.ingressOf("default", "s0")).containsExactly(ip("10.0.0.0"));
      assertThat(c.ingressOf("default", "s4")).containsExactly(ip("10.0.0.6"));
      assertThat(c.ingressOf("default", "s5")).containsExactly(ip("10.0.0.7"));
    }
  }

  // ------------------------------------------------------------------ 24: restart

  @Nested
  class Restart {

    @Test
    void everyServiceKeepsItsAddressAcrossARestartAndPendingOnesDoNotSteal() {
      FakeController c = new FakeController(pool("tiny", "10.0.0.0/31"));
      c.apply(v4("zz-first"));
      c.apply(v4("aa-second"));
      c.apply(v4("mm-pending")); // no room
      c.delete("default", "nothing");
      var before = c.allIngress();

      c.restart();

      assertThat(c.allIngress()).isEqualTo(before);
      assertThat(c.lastOf("default", "zz-first").events()).isEmpty();
      assertThat(allocated(c.lastOf("default", "zz-first")).changed()).isFalse();
      assertThat(c.lastOf("default", "mm-pending")).isInstanceOf(AllocationResult.Rejected.class);
    }

    @Test
    void recoveryOrderPutsHoldersFirstMostAddressesFirstThenByKey() {
      ServiceRequest none = v4("a").build();
      ServiceRequest one = v4("c").currentIngress(ips("10.0.0.1")).build();
      ServiceRequest oneToo = v4("b").currentIngress(ips("10.0.0.2")).build();
      ServiceRequest two = v4("z").currentIngress(ips("10.0.0.3", "2001:db8::3")).build();

      assertThat(Allocator.recoveryOrder(List.of(none, one, oneToo, two)))
          .containsExactly(two, oneToo, one, none);
    }

    @Test
    void aContestedAddressMovesOnlyOneOfItsTwoHoldersAndNoOtherHolder() {
      Allocator a = new Allocator();
      a.setPools(List.of(pool("blue", "10.0.0.0/30")));
      ServiceRequest first = v4("a").currentIngress(ips("10.0.0.1")).build();
      ServiceRequest second = v4("b").currentIngress(ips("10.0.0.1")).build(); // contested
      ServiceRequest third = v4("c").currentIngress(ips("10.0.0.0")).build();

      List<ServiceRequest> order = a.recoveryOrderForPools(List.of(third, second, first));
      order.forEach(r -> a.reconcile(r, "", Map.of()));

      // by key alone "b" would take the lowest free address, 10.0.0.0, from "c"
      assertThat(order).containsExactly(first, third, second);
      assertThat(a.assignment(new ServiceKey("default", "a")).orElseThrow().ips())
          .containsExactly(ip("10.0.0.1"));
      assertThat(a.assignment(new ServiceKey("default", "c")).orElseThrow().ips())
          .containsExactly(ip("10.0.0.0"));
      assertThat(a.assignment(new ServiceKey("default", "b")).orElseThrow().ips())
          .containsExactly(ip("10.0.0.2"));
    }

    @Test
    void afterARestartWithAShrunkPoolTheHolderInsideItKeepsItsAddress() {
      Allocator a = new Allocator();
      a.setPools(List.of(pool("blue", "10.0.0.0/32")));
      ServiceRequest outside = v4("idle").currentIngress(ips("10.0.0.5")).build();
      ServiceRequest inside = v4("web").currentIngress(ips("10.0.0.0")).build();

      List<ServiceRequest> order = a.recoveryOrderForPools(List.of(outside, inside));
      order.forEach(r -> a.reconcile(r, "", Map.of()));

      // by key alone "idle" would come first and take 10.0.0.0 from "web"
      assertThat(Allocator.recoveryOrder(List.of(outside, inside)))
          .containsExactly(outside, inside);
      assertThat(order).containsExactly(inside, outside);
      assertThat(a.assignment(new ServiceKey("default", "web")).orElseThrow().ips())
          .containsExactly(ip("10.0.0.0"));
      assertThat(a.assignment(new ServiceKey("default", "idle"))).isEmpty();
    }

    @Test
    void aStaleStatusWithoutIngressDoesNotMakeTheServiceLoseItsAddress() {
      Allocator a = new Allocator();
      a.setPools(List.of(pool("blue", "10.0.0.0/30")));
      a.reconcile(v4("s0").build(), "", Map.of());
      ServiceRequest s1 = v4("s1").build();
      a.reconcile(s1, "", Map.of()); // gets .1
      a.release(new ServiceKey("default", "s0")); // .0 is free again

      // the informer has not yet delivered s1's status
      AllocationResult.Allocated again = allocated(a.reconcile(s1, "", Map.of()));

      assertThat(again.ips()).containsExactly(ip("10.0.0.1"));
      assertThat(again.changed()).isTrue();
    }
  }

  // ------------------------------------------------------------------ 25-28: families

  @Nested
  class DualStack {

    @Test
    void requireDualStackGetsOneOfEachFamilyFromOneDualPool() {
      FakeController c =
          new FakeController(
              pool("v4only", "10.0.9.0/30"), pool("dual", "10.0.0.0/30", "2001:db8::/126"));

      AllocationResult.Allocated a =
          allocated(c.apply(dual("s1", IpFamilyPolicy.REQUIRE_DUAL_STACK, IpFamily.IPV4)));

      assertThat(a.pool()).isEqualTo("dual");
      assertThat(a.ips()).containsExactly(ip("10.0.0.0"), ip("2001:db8::"));
      assertThat(a.events().get(0).message())
          .isEqualTo("Assigned IP [\"10.0.0.0\" \"2001:db8::\"]");
    }

    @Test
    void requireDualStackWithOneClusterIpIsRefusedWithNotEnoughClusterips() {
      FakeController c = new FakeController(pool("dual", "10.0.0.0/30", "2001:db8::/126"));

      AllocationResult.Rejected r =
          rejected(
              c.apply(
                  ServiceRequest.builder("default", "s1")
                      .clusterIps("10.96.7.7")
                      .ipFamilyPolicy(IpFamilyPolicy.REQUIRE_DUAL_STACK)));

      assertThat(r.reason()).isEqualTo(RejectionReason.NOT_ENOUGH_CLUSTER_IPS);
      assertThat(r.events())
          .containsExactly(
              new UserEvent(
                  EventType.WARNING,
                  "not enough clusterips",
                  "Service requires dual stack but not enough clusterips [10.96.7.7]"));
    }

    @Test
    void requireDualStackIsNotStitchedFromTwoSingleFamilyPools() {
      FakeController c =
          new FakeController(pool("v4", "10.0.0.0/30"), pool("v6", "2001:db8::/126"));

      assertThat(
              rejected(c.apply(dual("s1", IpFamilyPolicy.REQUIRE_DUAL_STACK, IpFamily.IPV4)))
                  .reason())
          .isEqualTo(RejectionReason.POOL_EXHAUSTED);
    }

    @Test
    void preferDualStackPicksADualPoolOverAnEarlierSingleFamilyPool() {
      FakeController c =
          new FakeController(
              pool("v4", "10.0.9.0/30"), pool("dual", "10.0.0.0/30", "2001:db8::/126"));

      AllocationResult.Allocated a =
          allocated(c.apply(dual("s1", IpFamilyPolicy.PREFER_DUAL_STACK, IpFamily.IPV4)));

      assertThat(a.pool()).isEqualTo("dual");
      assertThat(a.ips()).hasSize(2);
    }

    @Test
    void preferDualStackFallsBackToASingleFamilyPoolHonouringTheFirstFamily() {
      FakeController c =
          new FakeController(pool("v4", "10.0.0.0/30"), pool("v6", "2001:db8::/126"));

      AllocationResult.Allocated v6first =
          allocated(c.apply(dual("s1", IpFamilyPolicy.PREFER_DUAL_STACK, IpFamily.IPV6)));
      AllocationResult.Allocated v4first =
          allocated(c.apply(dual("s2", IpFamilyPolicy.PREFER_DUAL_STACK, IpFamily.IPV4)));

      assertThat(v6first.ips()).containsExactly(ip("2001:db8::"));
      assertThat(v4first.ips()).containsExactly(ip("10.0.0.0"));
    }

    @Test
    void preferDualStackGainsTheSecondFamilyWhenItsPoolIsExtendedAndNeverJumpsPool() {
      FakeController c =
          new FakeController(
              pool("mine", "10.0.0.0/30"), pool("other-dual", "10.0.1.0/30", "2001:db8:1::/126"));
      c.apply(
          dual("s1", IpFamilyPolicy.PREFER_DUAL_STACK, IpFamily.IPV4)
              .annotation("metallb.io/address-pool", "mine"));
      assertThat(c.ingressOf("default", "s1")).containsExactly(ip("10.0.0.0"));
      // later reconciles stay in "mine" and stay quiet: it has no IPv6 at all
      assertThat(c.reconcile(new ServiceKey("default", "s1")).events()).isEmpty();

      c.setPools(
          pool("mine", "10.0.0.0/30", "2001:db8:9::/126"),
          pool("other-dual", "10.0.1.0/30", "2001:db8:1::/126"));

      assertThat(c.ingressOf("default", "s1")).containsExactly(ip("10.0.0.0"), ip("2001:db8:9::"));
      assertThat(c.eventsOf("default", "s1"))
          .contains(
              new UserEvent(
                  EventType.NORMAL, "IPAllocated", "Assigned additional IP \"2001:db8:9::\""));
      assertThat(c.allocator.assignment(new ServiceKey("default", "s1")).orElseThrow().pool())
          .isEqualTo("mine");
    }

    @Test
    void preferDualStackWhosePoolHasNoFreeSecondFamilySaysSo() {
      FakeController c = new FakeController(pool("mine", "10.0.0.0/30", "2001:db8:9::/128"));
      c.apply(v6("taker"));

      AllocationResult d = c.apply(dual("s1", IpFamilyPolicy.PREFER_DUAL_STACK, IpFamily.IPV4));
      assertThat(allocated(d).ips()).containsExactly(ip("10.0.0.0"));

      AllocationResult again = c.reconcile(new ServiceKey("default", "s1"));
      assertThat(again.events())
          .containsExactly(
              new UserEvent(
                  EventType.NORMAL,
                  "AdditionalAssignFailed",
                  "cannot assign additional IP in PreferDualStack: no available IPs in pool mine"
                      + " for ipv6 IPFamily"));
    }

    @Test
    void theLoadBalancerFamilyAlwaysFollowsTheClusterIpFamily() {
      FakeController c = new FakeController(pool("dual", "10.0.0.0/30", "2001:db8::/126"));

      assertThat(allocated(c.apply(v6("s6"))).ips()).containsExactly(ip("2001:db8::"));
      assertThat(allocated(c.apply(v4("s4"))).ips()).containsExactly(ip("10.0.0.0"));
      AllocationResult.Rejected r = rejected(c.apply(v6("bad").specLoadBalancerIp("10.0.0.2")));
      assertThat(r.reason()).isEqualTo(RejectionReason.FAMILY_MISMATCH);
      assertThat(r.detail())
          .isEqualTo(
              "requested loadBalancer IP(s) [\"10.0.0.2\"] does not match the ipFamily of the"
                  + " service");
    }

    @Test
    void anIngressOfTheWrongFamilyIsReplaced() {
      FakeController c = new FakeController(pool("dual", "10.0.0.0/30", "2001:db8::/126"));
      ServiceRequest.Builder s = v6("s1").currentIngress(ips("10.0.0.3"));

      AllocationResult.Allocated a = allocated(c.allocator.reconcile(s.build(), "", Map.of()));

      assertThat(a.ips()).containsExactly(ip("2001:db8::"));
    }
  }

  // ------------------------------------------------------------------ 29: loadBalancerClass

  @Nested
  class LoadBalancerClass {

    @Test
    void withoutAClassWeHandleOnlyServicesWithoutAClass() {
      FakeController c = new FakeController(pool("blue", "10.0.0.0/30"));

      assertThat(c.apply(v4("theirs").loadBalancerClass("vendor/lb")))
          .isInstanceOf(AllocationResult.Ignored.class);
      assertThat(allocated(c.apply(v4("ours"))).ips()).containsExactly(ip("10.0.0.0"));
    }

    @Test
    void withAClassWeHandleOnlyThatClass() {
      FakeController c = new FakeController(pool("blue", "10.0.0.0/30"));
      c.lbClass = "ferrolb";

      assertThat(c.apply(v4("plain"))).isInstanceOf(AllocationResult.Ignored.class);
      assertThat(c.apply(v4("theirs").loadBalancerClass("vendor/lb")))
          .isInstanceOf(AllocationResult.Ignored.class);
      assertThat(allocated(c.apply(v4("ours").loadBalancerClass("ferrolb"))).ips())
          .containsExactly(ip("10.0.0.0"));
      assertThat(c.ingressOf("default", "plain")).isEmpty();
    }
  }

  @Nested
  class Signalling {

    @Test
    void reconcilingAnUnchangedServiceDoesNotAskForReprocessing() {
      FakeController c = new FakeController(pool("blue", "10.0.0.0/30"));
      c.apply(v4("s1").annotation("metallb.io/allow-shared-ip", "k"));
      long g = c.allocator.generation();

      c.reconcile(new ServiceKey("default", "s1"));

      assertThat(c.allocator.generation()).isEqualTo(g);
    }

    @Test
    void aTransientAssignmentWithinOneReconcileDoesNotAskForReprocessing() {
      FakeController c =
          new FakeController(pool("blue", "10.0.0.0/30"), pool("green", "10.0.1.0/30"));
      long g = c.allocator.generation();

      c.apply(
          v4("s1").specLoadBalancerIp("10.0.0.1").annotation("metallb.io/address-pool", "green"));

      assertThat(c.allocator.generation()).isEqualTo(g);
    }

    @Test
    void aServiceThatBecomesAnotherClassLetsGoOfItsAddress() {
      FakeController c = new FakeController(pool("tiny", "10.0.0.7/32"));
      c.apply(v4("s1"));
      c.apply(v4("s2"));

      c.apply(c.specs.get(new ServiceKey("default", "s1")).toBuilder().loadBalancerClass("other"));

      assertThat(c.allocator.assignment(new ServiceKey("default", "s1"))).isEmpty();
      assertThat(c.ingressOf("default", "s2")).containsExactly(ip("10.0.0.7"));
    }
  }

  // ------------------------------------------------------------------ 30: deprecated annotations

  @Nested
  class DeprecatedAnnotations {

    @Test
    void deprecatedAnnotationsStillWorkAndAreWarnedAbout() {
      FakeController c =
          new FakeController(pool("blue", "10.0.0.0/30"), pool("green", "10.0.1.0/30"));

      AllocationResult d =
          c.apply(v4("s1").annotation("metallb.universe.tf/address-pool", "green"));

      assertThat(allocated(d).pool()).isEqualTo("green");
      assertThat(d.events())
          .contains(
              new UserEvent(
                  EventType.WARNING,
                  "deprecatedAnnotation",
                  "Service uses deprecated annotation metallb.universe.tf/address-pool"));
      // nothing to write on the next reconcile: no more warnings
      assertThat(c.reconcile(new ServiceKey("default", "s1")).events()).isEmpty();
    }

    @Test
    void theNewPrefixWinsOverTheDeprecatedOne() {
      FakeController c =
          new FakeController(pool("blue", "10.0.0.0/30"), pool("green", "10.0.1.0/30"));

      AllocationResult d =
          c.apply(
              v4("s1")
                  .annotation("metallb.universe.tf/address-pool", "green")
                  .annotation("metallb.io/address-pool", "blue"));

      assertThat(allocated(d).pool()).isEqualTo("blue");
    }

    @Test
    void deprecatedSharingAndIpAnnotationsWork() {
      FakeController c = new FakeController(pool("blue", "10.0.0.0/24"));
      c.apply(
          v4("s1")
              .annotation("metallb.universe.tf/loadBalancerIPs", "10.0.0.7")
              .annotation("metallb.universe.tf/allow-shared-ip", "k")
              .port(Protocol.TCP, 80));

      AllocationResult d =
          c.apply(
              v4("s2")
                  .annotation("metallb.io/loadBalancerIPs", "10.0.0.7")
                  .annotation("metallb.io/allow-shared-ip", "k")
                  .port(Protocol.TCP, 81));

      assertThat(allocated(d).ips()).containsExactly(ip("10.0.0.7"));
      assertThat(reasons(c.lastOf("default", "s1"))).doesNotContain("AllocationFailed");
    }
  }

  // ------------------------------------------------------------------ stats

  @Nested
  class Stats {

    @Test
    void countsAreExactPerFamilyAndASharedAddressCountsOnce() {
      FakeController c =
          new FakeController(
              buggyFreePool("mixed", "10.0.0.0/24", "2001:db8::/48"), pool("other", "10.9.0.0/30"));
      c.apply(v4("a").annotation("metallb.io/allow-shared-ip", "k").port(Protocol.TCP, 1));
      c.apply(v4("b").annotation("metallb.io/allow-shared-ip", "k").port(Protocol.TCP, 2));
      c.apply(v6("c"));

      PoolStats s = c.allocator.stats().get(0);

      assertThat(s)
          .isEqualTo(
              new PoolStats(
                  "mixed",
                  BigInteger.valueOf(254),
                  BigInteger.ONE.shiftLeft(80),
                  BigInteger.ONE,
                  BigInteger.ONE));
      assertThat(s.availableV6()).isEqualTo(BigInteger.ONE.shiftLeft(80).subtract(BigInteger.ONE));
      assertThat(c.allocator.stats()).extracting(PoolStats::pool).containsExactly("mixed", "other");
    }
  }
}

package io.ferrolb.ports.out;

import io.ferrolb.domain.allocation.ServiceKey;
import io.ferrolb.domain.announce.NodeState;
import io.ferrolb.domain.announce.ServiceState;
import io.ferrolb.domain.config.DecodedObject;
import io.ferrolb.domain.config.SecretData;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a speaker reads from the cluster, kept current by informers: LoadBalancer services with
 * their addresses and endpoints, nodes, the speakers that should be running, the configuration
 * objects and the gossip key. Reads come from a cache and never block.
 *
 * @since 0.1
 */
public interface SpeakerView extends AutoCloseable {

  /**
   * Starts watching; {@code onChange} runs (on an informer thread) after any relevant change, and
   * once when the view becomes {@link #synced()} (a first list with no objects is no change, but
   * the reader waits for it). Returns at once.
   */
  void start(Runnable onChange);

  /** True once every informer has listed its objects. */
  boolean synced();

  /** Services of type LoadBalancer that this speaker handles (load-balancer class applied). */
  Collection<ServiceState> services();

  /** The reference to use for events about a service, if it still exists. */
  Optional<ObjectRef> serviceRef(ServiceKey key);

  Collection<NodeState> nodes();

  /** The node's address for gossip (its InternalIP), if known. */
  Optional<String> nodeAddress(String node);

  /**
   * Nodes on which a speaker should be running and is ready: the quorum base of the split-brain
   * policy. Empty when unknown.
   */
  Set<String> expectedSpeakers();

  /** The configuration objects (legacy ConfigMap and metallb.io resources), in a stable order. */
  List<DecodedObject> configObjects();

  /**
   * The Secret {@code name} of ferrolb's namespace (a BGPPeer's {@code passwordSecret}), read on
   * demand: the speaker may read only the Secrets it is granted by name.
   */
  Optional<SecretData> secret(String name);

  /** The raw bytes of the {@code memberlist} Secret's {@code secretkey}, if present. */
  Optional<byte[]> memberlistKey();

  @Override
  void close();
}

package io.ferrolb.adapters.l2;

import io.ferrolb.adapters.l2.iface.SelectedInterface;
import java.io.IOException;

/** Opens an {@link L2Channel} on a selected interface. */
@FunctionalInterface
public interface L2ChannelFactory {
  L2Channel open(SelectedInterface iface) throws IOException;
}

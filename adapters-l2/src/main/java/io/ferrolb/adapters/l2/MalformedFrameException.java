package io.ferrolb.adapters.l2;

/** Wire data a codec cannot decode; carries the {@link DropReason} the packet loop reports. */
public final class MalformedFrameException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final DropReason reason;

  public MalformedFrameException(DropReason reason, String message) {
    super(message, null, false, false); // no stack trace: expected on a hostile wire
    this.reason = reason;
  }

  public DropReason reason() {
    return reason;
  }
}

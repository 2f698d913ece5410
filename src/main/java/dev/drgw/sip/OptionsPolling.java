package dev.drgw.sip;

import java.time.Duration;

/**
 * OPTIONS polling of a side's peers: every {@code interval}, with {@code contactHost} as drgw's
 * name in From, Via and Contact (toward Teams, the region domain {@code 1r<r>.<base>}).
 */
public record OptionsPolling(PeerHealth peers, Duration interval, String contactHost) {}

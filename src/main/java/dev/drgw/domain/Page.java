package dev.drgw.domain;

import java.util.List;
import java.util.Optional;

/** Items of one page and the key to continue after, present when more items may follow. */
public record Page<T>(List<T> items, Optional<String> continueAfter) {}

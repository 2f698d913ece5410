package dev.drgw.changes;

import dev.drgw.account.Account;
import dev.drgw.number.NumberEntry;

/**
 * Derives the read-only status fields from what the serving components have applied. Never taken
 * from a request.
 */
public interface SyncStatus {

  ProvisioningState of(Account account);

  ProvisioningState of(NumberEntry number);

  /**
   * Before any serving component (DNS, SIP) exists nothing is served: subdomains are not
   * provisioned and every change is pending.
   */
  SyncStatus NOTHING_SERVED =
      new SyncStatus() {
        private final ProvisioningState state =
            new ProvisioningState(
                ProvisioningState.SubdomainStatus.NOT_PROVISIONED,
                ProvisioningState.ServiceStatus.PENDING);

        @Override
        public ProvisioningState of(Account account) {
          return state;
        }

        @Override
        public ProvisioningState of(NumberEntry number) {
          return state;
        }
      };
}

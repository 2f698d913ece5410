package dev.drgw.changes;

import dev.drgw.account.Account;
import dev.drgw.domain.Stored;
import dev.drgw.number.NumberEntry;

/**
 * Derives the read-only status fields from what the serving components have applied. Never taken
 * from a request.
 */
public interface SyncStatus {

  ProvisioningState ofAccount(Stored<Account> account);

  ProvisioningState ofNumber(Stored<NumberEntry> number);

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
        public ProvisioningState ofAccount(Stored<Account> account) {
          return state;
        }

        @Override
        public ProvisioningState ofNumber(Stored<NumberEntry> number) {
          return state;
        }
      };
}

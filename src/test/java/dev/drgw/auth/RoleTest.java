package dev.drgw.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RoleTest {

  @ParameterizedTest
  @CsvSource({
    "read, READ",
    "Read, READ",
    "READ, READ",
    "ProvisioningAPI.Read, READ",
    "provisioningapi.read, READ",
    "write, WRITE",
    "ProvisioningAPI.Write, WRITE",
    "Delete, DELETE",
    "PROVISIONINGAPI.DELETE, DELETE",
    "admin, ADMIN",
    "ProvisioningAPI.Admin, ADMIN",
  })
  void parsesShortAndClaimNamesInAnyCase(String input, Role expected) {
    assertThat(Role.parse(input)).contains(expected);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {
    "reader", " read", "read ", "ProvisioningAPI.", "ProvisioningAPI", "ProvisioningAPI.Readx",
    "Other.Read", "ProvisioningAPIRead", "ProvisioningAPI..Read", "*"})
  void rejectsEverythingElse(String input) {
    assertThat(Role.parse(input)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "READ, ProvisioningAPI.Read",
    "WRITE, ProvisioningAPI.Write",
    "DELETE, ProvisioningAPI.Delete",
    "ADMIN, ProvisioningAPI.Admin",
  })
  void claimValues(Role role, String claim) {
    assertThat(role.claimValue()).isEqualTo(claim);
  }

  @ParameterizedTest
  @EnumSource(Role.class)
  void tokenRolesMatchOnlyTheExactClaimValue(Role role) {
    assertThat(Role.fromClaim(role.claimValue())).contains(role);
    assertThat(Role.fromClaim(role.claimValue().toLowerCase())).isEmpty();
    assertThat(Role.fromClaim(role.name())).isEqualTo(Optional.empty());
  }
}

package dev.drgw.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Portal roles: their names, as typed or as the API's app roles, and what each allows. */
class UserRoleTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(textBlock = """
      read,                     READ
      Read,                     READ
      WRITE,                    WRITE
      Write,                    WRITE
      delete,                   DELETE
      admin,                    ADMIN
      ProvisioningAPI.Read,     READ
      ProvisioningAPI.Write,    WRITE
      ProvisioningAPI.Delete,   DELETE
      ProvisioningAPI.Admin,    ADMIN
      provisioningapi.delete,   DELETE
      PROVISIONINGAPI.WRITE,    WRITE
      '  write  ',              WRITE
      """)
  void parses(String text, UserRole role) {
    assertThat(UserRole.parse(text)).contains(role);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"reader", "writes", "root", "ProvisioningAPI.", "ProvisioningAPI", "ProvisioningAPI.Root",
      "Provisioning.Write", "api.write", "ProvisioningAPI.ProvisioningAPI.Write", "read,write", "wr ite", "READ_ONLY"})
  void refusesJunk(String text) {
    assertThat(UserRole.parse(text)).isEmpty();
  }

  @Test
  void labelsAreLowerCaseAndParseBack() {
    for (UserRole role : UserRole.values()) {
      assertThat(role.label()).isEqualTo(role.name().toLowerCase(java.util.Locale.ROOT));
      assertThat(UserRole.parse(role.label())).contains(role);
    }
  }

  @ParameterizedTest(name = "{0} allows {1}")
  @CsvSource(textBlock = """
      READ,   READ
      WRITE,  READ WRITE
      DELETE, READ DELETE
      ADMIN,  READ WRITE DELETE ADMIN
      """)
  void allowsMatrix(UserRole role, String allowed) {
    Set<UserRole> expected =
        Arrays.stream(allowed.split(" ")).map(UserRole::valueOf).collect(Collectors.toCollection(() -> EnumSet.noneOf(UserRole.class)));

    Set<UserRole> actual = EnumSet.noneOf(UserRole.class);
    for (UserRole needed : UserRole.values()) {
      if (role.allows(needed)) {
        actual.add(needed);
      }
    }

    assertThat(actual).isEqualTo(expected);
  }
}

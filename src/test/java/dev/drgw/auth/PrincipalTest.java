package dev.drgw.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PrincipalTest {

  @ParameterizedTest
  @EnumSource(Role.class)
  void adminImpliesEveryRole(Role role) {
    assertThat(new Principal("s", "c", Set.of(Role.ADMIN)).has(role)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(value = Role.class, mode = EnumSource.Mode.EXCLUDE, names = "ADMIN")
  void aPlainRoleImpliesOnlyItself(Role held) {
    Principal principal = new Principal("s", "c", Set.of(held));
    for (Role role : Role.values()) {
      assertThat(principal.has(role)).as("%s has %s", held, role).isEqualTo(role == held);
    }
  }

  @Test
  void noRolesHasNothing() {
    Principal principal = new Principal("s", "c", Set.of());
    assertThat(EnumSet.allOf(Role.class)).noneMatch(principal::has);
  }

  @Test
  void rolesAreACopy() {
    Set<Role> roles = EnumSet.of(Role.READ);
    Principal principal = new Principal("s", "c", roles);
    roles.add(Role.ADMIN);
    assertThat(principal.has(Role.WRITE)).isFalse();
  }
}

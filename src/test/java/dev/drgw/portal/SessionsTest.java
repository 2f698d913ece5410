package dev.drgw.portal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drgw.testing.MutableClock;
import dev.drgw.users.UserRole;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** In-memory portal sessions: anonymous, signed in, expiring, one-time notices. */
class SessionsTest {

  private static final Duration LIFETIME = Duration.ofHours(8);

  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T10:00:00Z"));
  private final Sessions sessions = new Sessions(clock, LIFETIME);

  @Test
  void anAnonymousSessionHasACsrfTokenButNoUser() {
    Sessions.Session s = sessions.anonymous();

    assertThat(s.signedIn()).isFalse();
    assertThat(s.user()).isNull();
    assertThat(s.roles()).isEmpty();
    assertThat(s.csrf()).isNotBlank().isNotEqualTo(s.id());
    assertThat(s.allows(UserRole.READ)).isFalse();
    assertThat(sessions.find(s.id())).contains(s);
  }

  @Test
  void idsAndTokensAreLongAndNeverRepeat() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      Sessions.Session s = sessions.anonymous();
      assertThat(seen.add(s.id())).isTrue();
      assertThat(seen.add(s.csrf())).isTrue();
      assertThat(s.id()).hasSizeGreaterThanOrEqualTo(32).matches("[A-Za-z0-9_-]+");
    }
  }

  @Test
  void unknownOrMissingIdsFindNothing() {
    sessions.anonymous();

    assertThat(sessions.find(null)).isEmpty();
    assertThat(sessions.find("")).isEmpty();
    assertThat(sessions.find("no-such-session")).isEmpty();
  }

  @Test
  void signInMakesANewSessionWithTheUserAndDropsTheOldOne() {
    Sessions.Session before = sessions.anonymous();

    Sessions.Session after = sessions.signIn(before, "olivia", Set.of(UserRole.WRITE));

    assertThat(after.signedIn()).isTrue();
    assertThat(after.user()).isEqualTo("olivia");
    assertThat(after.roles()).containsExactly(UserRole.WRITE);
    assertThat(after.id()).isNotEqualTo(before.id());
    assertThat(after.csrf()).isNotEqualTo(before.csrf());
    assertThat(sessions.find(before.id())).isEmpty();
    assertThat(sessions.find(after.id())).contains(after);
  }

  @Test
  void rolesOfASignedInSessionDecideWhatItMayDo() {
    Sessions.Session s = sessions.signIn(sessions.anonymous(), "wendy", Set.of(UserRole.WRITE, UserRole.DELETE));

    assertThat(s.allows(UserRole.READ)).isTrue();
    assertThat(s.allows(UserRole.WRITE)).isTrue();
    assertThat(s.allows(UserRole.DELETE)).isTrue();
    assertThat(s.allows(UserRole.ADMIN)).isFalse();
    assertThat(s.roleLabel()).isEqualTo("write, delete");
  }

  @Test
  void aSignedInSessionLastsItsLifetime() {
    Sessions.Session s = sessions.signIn(sessions.anonymous(), "olivia", Set.of(UserRole.READ));

    clock.advance(LIFETIME);
    assertThat(sessions.find(s.id())).isPresent();

    clock.advance(Duration.ofSeconds(1));
    assertThat(sessions.find(s.id())).isEmpty();
    clock.advance(Duration.ofSeconds(-10));
    assertThat(sessions.find(s.id())).as("an expired session is gone for good").isEmpty();
  }

  @Test
  void anAnonymousSessionLastsAnHour() {
    Sessions.Session s = sessions.anonymous();

    clock.advance(Duration.ofMinutes(59));
    assertThat(sessions.find(s.id())).isPresent();
    clock.advance(Duration.ofMinutes(1).plusSeconds(1));
    assertThat(sessions.find(s.id())).isEmpty();
  }

  @Test
  void theLifetimeCountsFromSignInNotFromTheAnonymousSession() {
    Sessions.Session before = sessions.anonymous();
    clock.advance(Duration.ofMinutes(50));

    Sessions.Session after = sessions.signIn(before, "olivia", Set.of(UserRole.READ));
    clock.advance(LIFETIME.minusMinutes(1));

    assertThat(sessions.find(after.id())).isPresent();
  }

  @Test
  void aNoticeIsShownOnceAndOnlyToItsSession() {
    Sessions.Session mine = sessions.signIn(sessions.anonymous(), "olivia", Set.of(UserRole.WRITE));
    Sessions.Session other = sessions.signIn(sessions.anonymous(), "wendy", Set.of(UserRole.WRITE));

    sessions.notice(mine, "Account created.");

    assertThat(sessions.takeNotice(other)).isNull();
    assertThat(sessions.takeNotice(mine)).isEqualTo("Account created.");
    assertThat(sessions.takeNotice(mine)).isNull();
  }

  @Test
  void aLaterNoticeReplacesAnUnreadOne() {
    Sessions.Session s = sessions.signIn(sessions.anonymous(), "olivia", Set.of(UserRole.WRITE));

    sessions.notice(s, "first");
    sessions.notice(s, "second");

    assertThat(sessions.takeNotice(s)).isEqualTo("second");
  }

  @Test
  void endRemovesTheSessionAndItsNotice() {
    Sessions.Session s = sessions.signIn(sessions.anonymous(), "olivia", Set.of(UserRole.WRITE));
    sessions.notice(s, "Account created.");

    sessions.end(s.id());

    assertThat(sessions.find(s.id())).isEmpty();
    assertThat(sessions.takeNotice(s)).isNull();
  }

  @Test
  void aNoticeDoesNotSurviveSignIn() {
    Sessions.Session before = sessions.anonymous();
    sessions.notice(before, "meant for the anonymous page");

    Sessions.Session after = sessions.signIn(before, "olivia", Set.of(UserRole.READ));

    assertThat(sessions.takeNotice(after)).isNull();
    assertThat(sessions.takeNotice(before)).isNull();
  }

  @Test
  void whenFullAnonymousAndExpiredSessionsMakeRoomButSignedInOnesStay() {
    Sessions.Session olivia = sessions.signIn(sessions.anonymous(), "olivia", Set.of(UserRole.ADMIN));
    Sessions.Session shortLived = sessions.signIn(sessions.anonymous(), "victor", Set.of(UserRole.READ));
    List<Sessions.Session> anonymous = new ArrayList<>();
    clock.advance(Duration.ofMinutes(1));
    // Fill the store to its cap of 100,000 with sign-in forms nobody submitted.
    for (int i = 0; i < 100_000 - 2; i++) {
      anonymous.add(sessions.anonymous());
    }
    assertThat(sessions.find(anonymous.get(0).id())).isPresent();

    Sessions.Session next = sessions.anonymous();

    assertThat(sessions.find(next.id())).isPresent();
    assertThat(sessions.find(olivia.id())).isPresent();
    assertThat(sessions.find(shortLived.id())).isPresent();
    assertThat(anonymous).allSatisfy(a -> assertThat(sessions.find(a.id())).isEmpty());
  }
}

package dev.drgw.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The outage the cluster tests stage: stopped, the server refuses; started again, its data is there. */
class StoppablePostgresTest {

  @Test
  void stopsAndStartsAgainOnTheSamePortWithTheSameData() throws Exception {
    try (StoppablePostgres pg = StoppablePostgres.start()) {
      try (Connection c = pg.connect(); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE kept (v INT)");
        s.execute("INSERT INTO kept VALUES (42)");
      }

      Duration stopped = pg.stop();
      assertThatThrownBy(pg::connect).isInstanceOf(SQLException.class);
      Duration started = pg.startAgain();

      try (Connection c = pg.connect(); Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT v FROM kept")) {
        assertThat(r.next()).isTrue();
        assertThat(r.getInt(1)).isEqualTo(42);
      }
      assertThat(stopped).as("stop").isLessThan(Duration.ofSeconds(10));
      assertThat(started).as("start again").isLessThan(Duration.ofSeconds(10));
    }
  }
}

package dev.drgw.portal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drgw.account.Account;
import dev.drgw.account.AccountService;
import dev.drgw.account.DeploymentNames;
import dev.drgw.account.DirectRouting;
import dev.drgw.account.DirectRoutingConfig;
import dev.drgw.domain.Actor;
import dev.drgw.domain.Filter;
import dev.drgw.domain.Precondition;
import dev.drgw.number.NumberEntry;
import dev.drgw.number.NumberService;
import dev.drgw.store.Database;
import dev.drgw.store.Stores;
import dev.drgw.testing.TestServer;
import java.io.StringReader;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** CSV upload in ACG's layout against a real embedded database and the real number rules. */
class CsvImportTest {

  private static final Actor ACTOR = new Actor("portal:olivia", "127.0.0.1");
  private static final String HEADER =
      "telephoneNumber,accountName,serviceDetails_teamsDirectRouting_enabled,configuration_customSipHeader";

  private Database database;
  private Stores stores;
  private AccountService accounts;
  private NumberService numbers;
  private CsvImport csv;

  @BeforeEach
  void open() {
    database = Database.open("jdbc:h2:file:" + TestServer.newDataDir().resolve("drgw"), "drgw", "", 4);
    stores = new Stores(database, new ObjectMapper(), Clock.systemUTC());
    accounts = new AccountService(stores.accounts(), new DeploymentNames("gw.example.net", 2, "1r%d"));
    numbers = new NumberService(stores.numbers(), stores.accounts());
    csv = new CsvImport(numbers);
    account("contoso", "contoso", true);
    account("fabrikam", "fabrikam", true);
  }

  @AfterEach
  void close() {
    stores.close();
    database.close();
  }

  private void account(String name, String label, boolean directRouting) {
    accounts.put(name, new Account(name, null, null,
        new DirectRouting(true, directRouting, new DirectRoutingConfig(true, label, "MS=ms1", "MS=ms2")), null),
        Precondition.NONE, ACTOR);
  }

  private CsvImport.Report upload(String account, String text) {
    return csv.run(account, new StringReader(text), ACTOR);
  }

  private long count(String account) {
    return numbers.count(Optional.of(account), Filter.ALL);
  }

  private NumberEntry stored(String account, String tn) {
    return numbers.get(account, tn).value();
  }

  private static String lines(String... lines) {
    return String.join("\n", lines) + "\n";
  }

  @Test
  void rowsWithAHeaderAreSaved() {
    CsvImport.Report report = upload("contoso", lines(
        HEADER,
        "+442071230000,contoso,true,trunk_a",
        "+442071230001,contoso,false,"));

    assertThat(report.errors()).isEmpty();
    assertThat(report.rows()).isEqualTo(2);
    assertThat(report.applied()).isEqualTo(2);
    assertThat(stored("contoso", "+442071230000")).isEqualTo(new NumberEntry("+442071230000", "contoso", true, "trunk_a", null));
    assertThat(stored("contoso", "+442071230001")).isEqualTo(new NumberEntry("+442071230001", "contoso", false, null, null));
  }

  @Test
  void theHeaderIsOptional() {
    CsvImport.Report report = upload("contoso", lines(
        "+442071230000,contoso,true,trunk_a",
        "+442071230001,contoso,false,"));

    assertThat(report.errors()).isEmpty();
    assertThat(report.rows()).isEqualTo(2);
    assertThat(report.applied()).isEqualTo(2);
    assertThat(count("contoso")).isEqualTo(2);
  }

  @Test
  void theHeaderIsRecognisedIgnoringCaseAndSpaces() {
    CsvImport.Report report = upload("contoso", lines(
        "  TelephoneNumber , accountName,serviceDetails_teamsDirectRouting_enabled,configuration_customSipHeader",
        "+442071230000,contoso,true,"));

    assertThat(report.errors()).isEmpty();
    assertThat(report.rows()).isEqualTo(1);
  }

  @Test
  void shortRowsTakeTheDefaults() {
    CsvImport.Report report = upload("contoso", lines(
        "+442071230000",
        "+442071230001,",
        "+442071230002,,",
        "+442071230003,contoso,TRUE",
        "\"+442071230004\",\"contoso\",\"False\",\"hdr\""));

    assertThat(report.errors()).isEmpty();
    assertThat(report.applied()).isEqualTo(5);
    assertThat(stored("contoso", "+442071230000").directRoutingEnabled()).isTrue();
    assertThat(stored("contoso", "+442071230002").customSipHeader()).isNull();
    assertThat(stored("contoso", "+442071230003").directRoutingEnabled()).isTrue();
    assertThat(stored("contoso", "+442071230004")).isEqualTo(new NumberEntry("+442071230004", "contoso", false, "hdr", null));
  }

  @Test
  void tenThousandRowsAreAllSaved() {
    String file = HEADER + "\n" + IntStream.range(0, 10_000)
        .mapToObj(i -> "+4420712" + String.format("%05d", i) + ",contoso," + (i % 3 == 0) + ",h" + i)
        .collect(Collectors.joining("\n", "", "\n"));

    CsvImport.Report report = upload("contoso", file);

    assertThat(report.errors()).isEmpty();
    assertThat(report.rows()).isEqualTo(10_000);
    assertThat(report.applied()).isEqualTo(10_000);
    assertThat(count("contoso")).isEqualTo(10_000);
    assertThat(stored("contoso", "+442071209999")).isEqualTo(new NumberEntry("+442071209999", "contoso", true, "h9999", null));
    assertThat(stored("contoso", "+442071209998").directRoutingEnabled()).isFalse();
  }

  @Test
  void badRowsAreReportedWithTheirLinesAndTheRestIsSaved() {
    CsvImport.Report report = upload("contoso", lines(
        HEADER,                                              // 1
        "+442071230000,contoso,true,",                       // 2 ok
        "02071230001,contoso,true,",                         // 3 bad number
        "+442071230002,fabrikam,true,",                      // 4 other account
        "+442071230003,contoso,yes,",                        // 5 bad enabled
        "+442071230004,contoso,true,hdr,extra",              // 6 too many columns
        "+442071230000,contoso,false,",                      // 7 duplicate of line 2
        "",                                                  // 8 blank
        "+442071230005,contoso,false,bad header!",           // 9 bad header
        "+442071230006,,,"));                                // 10 ok

    assertThat(report.errors()).extracting(CsvImport.RowError::line).containsExactly(3L, 4L, 5L, 6L, 7L, 9L);
    assertThat(report.errors()).extracting(CsvImport.RowError::telephoneNumber).containsExactly(
        "02071230001", "+442071230002", "+442071230003", "+442071230004", "+442071230000", "+442071230005");
    assertThat(report.errors().get(0).message()).contains("must start with '+'");
    assertThat(report.errors().get(1).message()).isEqualTo("is for account 'fabrikam', not 'contoso'");
    assertThat(report.errors().get(2).message()).contains("true or false").contains("\"yes\"");
    assertThat(report.errors().get(3).message()).contains("5 columns").contains("4");
    assertThat(report.errors().get(4).message()).isEqualTo("appears more than once in the file");
    assertThat(report.errors().get(5).message()).contains("customSipHeader");
    assertThat(report.rows()).isEqualTo(8);
    assertThat(report.applied()).isEqualTo(2);
    assertThat(count("contoso")).isEqualTo(2);
    assertThat(stored("contoso", "+442071230000").directRoutingEnabled()).as("the first of the duplicates").isTrue();
    assertThat(count("fabrikam")).isZero();
  }

  @Test
  void lineNumbersCountEveryPhysicalLine() {
    CsvImport.Report report = upload("contoso", String.join("\r\n",
        HEADER,                                              // 1
        "",                                                  // 2
        "+442071230000,contoso,true,\"multi",                // 3
        "line\"",                                            // 4
        "+442071230001,contoso,maybe,",                      // 5
        "",                                                  // 6
        "",                                                  // 7
        "+442071230002,contoso,maybe,") + "\r\n");           // 8

    assertThat(report.errors()).extracting(CsvImport.RowError::line).containsExactly(4L, 5L, 8L);
  }

  @Test
  void theLastLineHasItsNumberWithoutAFinalNewline() {
    CsvImport.Report report = upload("contoso", String.join("\n",
        HEADER,
        "+442071230000,contoso,true,",
        "+442071230001,contoso,maybe,"));

    assertThat(report.errors()).extracting(CsvImport.RowError::line).containsExactly(3L);
  }

  @Test
  void theFirstLineOfAFileWithoutHeaderIsLineOne() {
    CsvImport.Report report = upload("contoso", lines(
        "+442071230000,contoso,maybe,",
        "+442071230001,contoso,true,"));

    assertThat(report.errors()).extracting(CsvImport.RowError::line).containsExactly(1L);
  }

  @Test
  void aNumberOwnedByAnotherAccountFailsAloneAndTheOther99OfItsBatchAreSaved() {
    numbers.upsertBatch("fabrikam", List.of(new NumberEntry("+442071230050", "fabrikam", true, null, null)), ACTOR);
    String file = HEADER + "\n" + IntStream.range(0, 100)
        .mapToObj(i -> "+4420712300" + String.format("%02d", i) + ",contoso,true,")
        .collect(Collectors.joining("\n", "", "\n"));

    CsvImport.Report report = upload("contoso", file);

    assertThat(report.rows()).isEqualTo(100);
    assertThat(report.applied()).isEqualTo(99);
    assertThat(report.errors()).singleElement().satisfies(e -> {
      assertThat(e.line()).isEqualTo(52L);
      assertThat(e.telephoneNumber()).isEqualTo("+442071230050");
      assertThat(e.message()).contains("already belongs to account 'fabrikam'").doesNotContain("numbers[");
    });
    assertThat(count("contoso")).isEqualTo(99);
    assertThat(stored("fabrikam", "+442071230050").accountName()).isEqualTo("fabrikam");
  }

  @Test
  void refusalsInSeveralBatchesAreEachReportedOnTheirLine() {
    for (int i : new int[] {0, 99, 100, 250}) {
      String tn = "+4420712" + String.format("%05d", i);
      numbers.upsertBatch("fabrikam", List.of(new NumberEntry(tn, "fabrikam", true, null, null)), ACTOR);
    }
    String file = IntStream.range(0, 300)
        .mapToObj(i -> "+4420712" + String.format("%05d", i) + ",contoso,true,")
        .collect(Collectors.joining("\n", "", "\n"));

    CsvImport.Report report = upload("contoso", file);

    assertThat(report.errors()).extracting(CsvImport.RowError::line).containsExactly(1L, 100L, 101L, 251L);
    assertThat(report.errors()).extracting(CsvImport.RowError::telephoneNumber)
        .containsExactly("+442071200000", "+442071200099", "+442071200100", "+442071200250");
    assertThat(report.applied()).isEqualTo(296);
    assertThat(count("contoso")).isEqualTo(296);
  }

  @Test
  void directRoutingOnANumberOfAnAccountWithoutItIsRefusedPerRow() {
    account("northwind", "northwind", false);

    CsvImport.Report report = upload("northwind", lines(
        HEADER,
        "+442071230000,northwind,false,",
        "+442071230001,northwind,true,",
        "+442071230002,northwind,false,"));

    assertThat(report.errors()).singleElement().satisfies(e -> {
      assertThat(e.line()).isEqualTo(3L);
      assertThat(e.message()).contains("Direct Routing cannot be enabled on +442071230001");
    });
    assertThat(report.applied()).isEqualTo(2);
    assertThat(count("northwind")).isEqualTo(2);
  }

  @Test
  void anUnknownAccountSavesNothingAndSaysWhy() {
    CsvImport.Report report = upload("nosuch", lines("+442071230000,,true,", "+442071230001,,true,"));

    assertThat(report.applied()).isZero();
    assertThat(report.errors()).hasSize(2).allSatisfy(e -> assertThat(e.message()).contains("nosuch"));
  }

  @Test
  void anUnparsableFileSavesNothing() {
    CsvImport.Report report = upload("contoso", lines(
        HEADER,
        "+442071230000,contoso,true,",
        "+442071230001,contoso,true,\"never closed",
        "+442071230002,contoso,true,"));

    assertThat(report.applied()).isZero();
    assertThat(count("contoso")).isZero();
    assertThat(report.errors()).singleElement().satisfies(e ->
        assertThat(e.message()).startsWith("the file is not valid CSV, so nothing was saved"));
  }

  @Test
  void theUnparsableLineIsTheOneWithTheOpenQuote() {
    CsvImport.Report report = upload("contoso", lines(
        HEADER,                                              // 1
        "+442071230000,contoso,true,",                       // 2
        "+442071230001,contoso,true,\"never closed",         // 3
        "+442071230002,contoso,true,"));                     // 4

    assertThat(report.errors()).singleElement().extracting(CsvImport.RowError::line).isEqualTo(3L);
  }

  @Test
  void textAfterAClosingQuoteIsUnparsable() {
    CsvImport.Report report = upload("contoso", lines(
        "+442071230000,contoso,true,",
        "+442071230001,contoso,true,\"hdr\"junk"));

    assertThat(report.applied()).isZero();
    assertThat(count("contoso")).isZero();
    assertThat(report.errors()).singleElement().satisfies(e -> assertThat(e.message()).contains("not valid CSV"));
  }

  @Test
  void anEmptyFileDoesNothing() {
    CsvImport.Report report = upload("contoso", "");

    assertThat(report.rows()).isZero();
    assertThat(report.applied()).isZero();
    assertThat(report.errors()).isEmpty();
  }

  @Test
  void atMost100000RowsAreRead() {
    StringBuilder file = new StringBuilder(HEADER).append('\n');
    for (int i = 0; i < 100_000; i++) {
      file.append("+4420").append(String.format("%08d", i)).append(",fabrikam,true,\n");
    }
    file.append("+442099999999,contoso,true,\n");           // line 100,002: one row too many
    file.append("+442099999998,contoso,true,\n");

    CsvImport.Report report = upload("contoso", file.toString());

    assertThat(report.applied()).isZero();
    assertThat(count("contoso")).as("rows after the limit are not read").isZero();
    CsvImport.RowError last = report.errors().get(report.errors().size() - 1);
    assertThat(last.line()).isEqualTo(100_002L);
    assertThat(last.message()).isEqualTo("at most 100000 rows per file; the rest was not read");
    assertThat(report.errors()).hasSize(100_001);
  }
}

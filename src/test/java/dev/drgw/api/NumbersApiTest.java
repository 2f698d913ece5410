package dev.drgw.api;

import static dev.drgw.testing.ApiClient.withoutStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drgw.auth.Role;
import dev.drgw.testing.ApiClient;
import dev.drgw.testing.ApiClient.Response;
import dev.drgw.testing.TestServer;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The number operations of the Provisioning API, single and batch, over loopback. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NumbersApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DR_ENABLED = "serviceDetails.teamsDirectRouting.enabled";
  private static final String HEADER = "configuration.customSipHeader";
  private static final String DR_FILTER = "serviceDetails/teamsDirectRouting/enabled";

  private final AtomicInteger sequence = new AtomicInteger();
  private final AtomicInteger blocks = new AtomicInteger(200);
  private TestServer server;
  private ApiClient api;

  @BeforeAll
  void start() {
    server = TestServer.start();
    api = server.client(Role.ADMIN);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  // --- single numbers --------------------------------------------------------------------

  @Test
  void aLiteralPlusAndAnEncodedPlusAddressTheSameNumber() {
    String account = account(true);
    String number = numbers().apply(1);
    String literalPath = "/accounts/" + account + "/numbers/" + number;

    Response created = api.put(literalPath, numberBody(account, number, true, "tier-gold_42"));

    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.header("ETag")).matches("\"[^\"]+\"");
    assertThat(withoutStatus(created.json())).isEqualTo(withoutStatus(expectedView(account, number, true, "tier-gold_42")));

    Response read = api.get(encodedPath(account, number));
    assertThat(read.status()).as(read.toString()).isEqualTo(200);
    assertThat(read.header("ETag")).isEqualTo(created.header("ETag"));
    assertThat(withoutStatus(read.json())).isEqualTo(withoutStatus(created.json()));

    Response replaced = api.put(encodedPath(account, number), numberBody(account, number, false, null));
    assertThat(replaced.status()).as("replaced, not created again: " + replaced).isEqualTo(200);
    assertThat(replaced.header("ETag")).isNotEqualTo(created.header("ETag"));
    assertThat(withoutStatus(replaced.json())).isEqualTo(withoutStatus(expectedView(account, number, false, null)));

    Response viaLiteral = api.get(literalPath);
    assertThat(withoutStatus(viaLiteral.json())).isEqualTo(withoutStatus(replaced.json()));
    assertThat(numbersOf(account)).containsExactly(number);
  }

  @Test
  void aBodyNumberDifferentFromThePathIsRefused() {
    String account = account(true);
    IntFunction<String> n = numbers();

    Response r = api.put(encodedPath(account, n.apply(1)), numberBody(account, n.apply(2), true, null));

    assertError(r, 400, "PathMismatch", "telephoneNumber", n.apply(1), n.apply(2));
    assertThat(numbersOf(account)).isEmpty();
  }

  @Test
  void aBodyAccountDifferentFromThePathIsRefused() {
    String account = account(true);
    String other = account(true);
    String number = numbers().apply(1);

    Response r = api.put(encodedPath(account, number), numberBody(other, number, true, null));

    assertError(r, 400, "PathMismatch", "accountName", account, other);
    assertThat(numbersOf(account)).isEmpty();
    assertThat(numbersOf(other)).isEmpty();
  }

  static Stream<Arguments> invalidNumbers() {
    return Stream.of(
        Arguments.of("442071234567", "must start with '+'"),
        Arguments.of("+0442071234", "cannot start with 0"),
        Arguments.of("+1234567890123456", "has 16 digits"),
        Arguments.of("+44 20 7123 4567", "only digits"),
        Arguments.of("+44207ABC567", "only digits"),
        Arguments.of("+44-207-123", "only digits"),
        Arguments.of("+1", "too short"),
        Arguments.of("+", "only digits"));
  }

  @ParameterizedTest(name = "\"{0}\"")
  @MethodSource("invalidNumbers")
  void invalidNumbersInThePathAre400(String number, String fragment) {
    String account = account(true);
    String body =
        """
        {"accountName": "%s", "serviceDetails": {"teamsDirectRouting": {"enabled": true}}}
        """
            .formatted(account);

    Response r = api.put(encodedPath(account, number), body);

    assertError(r, 400, "InvalidTelephoneNumber", "telephoneNumber", fragment);
    assertThat(numbersOf(account)).isEmpty();
  }

  @ParameterizedTest(name = "\"{0}\"")
  @MethodSource("invalidNumbers")
  void invalidNumbersInABatchNameTheItem(String number, String fragment) {
    String account = account(true);
    String good = numbers().apply(1);

    Response r =
        api.post(action(account, "createOrUpdateNumbers"),
            batch(numberBody(account, good, true, null), numberBody(account, number, true, null)));

    assertError(r, 400, "InvalidTelephoneNumber", "numbers[1].telephoneNumber", fragment);
    assertThat(numbersOf(account)).isEmpty();
  }

  @Test
  void aNumberOwnedByAnotherAccountIsAConflict() {
    String owner = account(true);
    String other = account(true);
    String number = numbers().apply(1);
    Response owned = api.put(encodedPath(owner, number), numberBody(owner, number, true, "owner"));
    assertThat(owned.status()).isEqualTo(201);

    Response r = api.put(encodedPath(other, number), numberBody(other, number, true, "thief"));

    assertError(r, 409, "NumberOwnedByAnotherAccount", "telephoneNumber", number, owner);
    assertUnchanged(owner, number, owned);
    assertError(api.get(encodedPath(other, number)), 404, "NumberNotFound", null, number);
  }

  @Test
  void directRoutingOnANumberNeedsItOnTheAccount() {
    String account = account(false);
    IntFunction<String> n = numbers();

    Response refused = api.put(encodedPath(account, n.apply(1)), numberBody(account, n.apply(1), true, null));

    assertError(refused, 409, "DirectRoutingDisabledOnAccount", DR_ENABLED, n.apply(1), account);
    assertThat(numbersOf(account)).isEmpty();

    Response plain = api.put(encodedPath(account, n.apply(2)), numberBody(account, n.apply(2), false, null));
    assertThat(plain.status()).as(plain.toString()).isEqualTo(201);

    Response upgrade = api.put(encodedPath(account, n.apply(2)), numberBody(account, n.apply(2), true, null));

    assertError(upgrade, 409, "DirectRoutingDisabledOnAccount", DR_ENABLED, n.apply(2));
    assertUnchanged(account, n.apply(2), plain);
  }

  @Test
  void aNumberOfAMissingAccountIs404() {
    String account = "missing-" + sequence.incrementAndGet();
    String number = numbers().apply(1);

    Response r = api.put(encodedPath(account, number), numberBody(account, number, false, null));

    assertError(r, 404, "AccountNotFound", null, account);
    Response anywhere = api.get("/numbers?filter=" + encode("telephoneNumber eq '" + number + "'"));
    assertThat(anywhere.json().path("value")).isEmpty();
  }

  static Stream<Arguments> badHeaders() {
    return Stream.of(
        Arguments.of("a space", "tier gold", "InvalidCharacters"),
        Arguments.of("101 characters", "h".repeat(101), "InvalidLength"),
        Arguments.of("CR LF", "gold\r\nX-Evil: 1", "InvalidCharacters"),
        Arguments.of("LF", "gold\nX-Evil", "InvalidCharacters"),
        Arguments.of("empty", "", "InvalidLength"),
        Arguments.of("a colon", "X-Tier:gold", "InvalidCharacters"),
        Arguments.of("non-ASCII", "gölD", "InvalidCharacters"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badHeaders")
  void badCustomSipHeadersAre400(String kind, String header, String code) {
    String account = account(true);
    String number = numbers().apply(1);

    Response r = api.put(encodedPath(account, number), numberBody(account, number, true, header));

    assertError(r, 400, code, HEADER, HEADER);
    assertThat(numbersOf(account)).isEmpty();
  }

  @Test
  void aCustomSipHeaderOf100CharactersIsAccepted() {
    String account = account(true);
    String number = numbers().apply(1);
    String header = "A-z_09".repeat(16) + "abcd";

    Response r = api.put(encodedPath(account, number), numberBody(account, number, true, header));

    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.json().at("/configuration/customSipHeader").asText()).hasSize(100).isEqualTo(header);
  }

  @Test
  void deletingANumber() {
    String account = account(true);
    String other = account(true);
    IntFunction<String> n = numbers();
    create(account, n.apply(1));
    Response kept = create(other, n.apply(2));

    Response absent = api.delete(encodedPath(account, n.apply(3)));
    Response elsewhere = api.delete(encodedPath(account, n.apply(2)));

    assertError(absent, 404, "NumberNotFound", null, n.apply(3), account);
    assertError(elsewhere, 404, "NumberNotFound", null, n.apply(2), account);
    assertUnchanged(other, n.apply(2), kept);

    Response deleted = api.delete("/accounts/" + account + "/numbers/" + n.apply(1));

    assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
    assertError(api.get(encodedPath(account, n.apply(1))), 404, "NumberNotFound", null);
    assertError(api.delete(encodedPath(account, n.apply(1))), 404, "NumberNotFound", null);
  }

  // --- conditional requests --------------------------------------------------------------

  @Test
  void putAndDeleteHonourIfMatch() {
    String account = account(true);
    String number = numbers().apply(1);
    Response before = create(account, number);
    String changed = numberBody(account, number, true, "changed");

    Response stale = api.with("If-Match", "\"stale\"").put(encodedPath(account, number), changed);
    Response staleDelete = api.with("If-Match", "\"stale\"").delete(encodedPath(account, number));

    assertError(stale, 412, "PreconditionFailed", null, number);
    assertError(staleDelete, 412, "PreconditionFailed", null, number);
    assertUnchanged(account, number, before);

    Response fresh = api.with("If-Match", before.header("ETag")).put(encodedPath(account, number), changed);

    assertThat(fresh.status()).as(fresh.toString()).isEqualTo(200);
    assertThat(fresh.json().at("/configuration/customSipHeader").asText()).isEqualTo("changed");
    assertThat(api.with("If-Match", fresh.header("ETag")).delete(encodedPath(account, number)).status())
        .isEqualTo(204);
  }

  @Test
  void ifNoneMatchStarCreatesOnlyWhenAbsent() {
    String account = account(true);
    String number = numbers().apply(1);
    ApiClient onlyNew = api.with("If-None-Match", "*");

    Response created = onlyNew.put(encodedPath(account, number), numberBody(account, number, true, null));

    assertThat(created.status()).as(created.toString()).isEqualTo(201);

    Response again = onlyNew.put(encodedPath(account, number), numberBody(account, number, false, null));

    assertError(again, 412, "PreconditionFailed", null, number, "already exists");
    assertUnchanged(account, number, created);
  }

  @Test
  void getWithTheCurrentEtagInIfNoneMatchIs304() {
    String account = account(true);
    String number = numbers().apply(1);
    Response created = create(account, number);

    Response same = api.with("If-None-Match", created.header("ETag")).get(encodedPath(account, number));
    Response other = api.with("If-None-Match", "\"other\"").get(encodedPath(account, number));

    assertThat(same.status()).isEqualTo(304);
    assertThat(same.body()).isEmpty();
    assertThat(same.header("ETag")).isEqualTo(created.header("ETag"));
    assertThat(other.status()).isEqualTo(200);
    assertThat(withoutStatus(other.json())).isEqualTo(withoutStatus(created.json()));
  }

  // --- batches ---------------------------------------------------------------------------

  @Test
  void aBatchOf100IsStoredAndAnsweredInRequestOrder() {
    String account = account(true);
    IntFunction<String> n = numbers();
    List<String> order = new ArrayList<>(IntStream.range(0, 100).mapToObj(n).toList());
    Collections.shuffle(order, new Random(7));
    List<String> items = order.stream().map(x -> numberBody(account, x, true, header(x))).toList();

    Response r = api.post(action(account, "createOrUpdateNumbers"), batch(items));

    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    JsonNode returned = r.json().path("numbers");
    assertThat(returned).hasSize(100);
    for (int i = 0; i < 100; i++) {
      String number = order.get(i);
      // the provisioning status depends on how fast the snapshot takes the write: not compared
      assertThat(withoutStatus(returned.get(i)))
          .as("item %d", i)
          .isEqualTo(withoutStatus(expectedView(account, number, true, header(number))));
    }
    assertThat(numbersOf(account)).containsExactlyElementsOf(order.stream().sorted().toList());
    assertThat(numberCount(account)).isEqualTo(100);
  }

  @Test
  void aBatchOf101IsRefusedWhole() {
    String account = account(true);
    IntFunction<String> n = numbers();
    List<String> items =
        IntStream.range(0, 101).mapToObj(i -> numberBody(account, n.apply(i), true, null)).toList();

    Response r = api.post(action(account, "createOrUpdateNumbers"), batch(items));

    assertError(r, 400, "InvalidBatchSize", "numbers", "1 to 100", "got 101");
    assertThat(numbersOf(account)).isEmpty();
  }

  @Test
  void anEmptyBatchIsRefused() {
    String account = account(true);

    Response create = api.post(action(account, "createOrUpdateNumbers"), "{\"numbers\": []}");
    Response delete = api.post(action(account, "deleteNumbers"), "{\"numbers\": []}");

    assertError(create, 400, "InvalidBatchSize", "numbers", "got 0");
    assertError(delete, 400, "InvalidBatchSize", "numbers", "got 0");
  }

  static Stream<Arguments> badBatchShapes() {
    String item =
        """
        {"telephoneNumber": "+15550000001", "serviceDetails": {"teamsDirectRouting": {"enabled": false}}}""";
    return Stream.of(
        Arguments.of("numbers missing", "{}", "Required", "numbers"),
        Arguments.of("numbers null", "{\"numbers\": null}", "Required", "numbers"),
        Arguments.of("numbers a string", "{\"numbers\": \"+15550000001\"}", "InvalidType", "numbers"),
        Arguments.of("numbers an object", "{\"numbers\": {\"0\": " + item + "}}", "InvalidType", "numbers"),
        Arguments.of("an item a number", "{\"numbers\": [" + item + ", 5]}", "InvalidType", "numbers[1]"),
        Arguments.of("an item an array", "{\"numbers\": [" + item + ", []]}", "InvalidType", "numbers[1]"),
        Arguments.of("an item a string", "{\"numbers\": [\"+15550000002\"]}", "InvalidType", "numbers[0]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBatchShapes")
  void badlyShapedBatchesAre400(String kind, String body, String code, String target) {
    String account = account(true);

    for (String action : List.of("createOrUpdateNumbers", "deleteNumbers")) {
      Response r = api.post(action(account, action), body);

      assertError(r, 400, code, target, target);
    }
    assertThat(numbersOf(account)).isEmpty();
  }

  @Test
  void aNumberTwiceInOneBatchIsRefusedNamingBothIndexes() {
    String account = account(true);
    IntFunction<String> n = numbers();
    List<String> items =
        List.of(
            numberBody(account, n.apply(0), true, null),
            numberBody(account, n.apply(1), true, null),
            numberBody(account, n.apply(2), true, null),
            numberBody(account, n.apply(0), false, null));

    Response r = api.post(action(account, "createOrUpdateNumbers"), batch(items));

    JsonNode error = assertError(r, 400, "DuplicateInBatch", null, n.apply(0));
    JsonNode detail = assertDetails(error, "numbers[3].telephoneNumber").get(0);
    assertThat(detail.path("message").asText()).contains(n.apply(0), "numbers[0]");
    assertThat(numbersOf(account)).isEmpty();

    Response delete =
        api.post(action(account, "deleteNumbers"), deleteBatch(n.apply(1), n.apply(1)));
    assertError(delete, 400, "DuplicateInBatch", null, n.apply(1), "numbers[0]");
  }

  @Test
  void oneBadItemRejectsTheWholeBatch() {
    String account = account(true);
    IntFunction<String> n = numbers();
    List<String> items =
        IntStream.range(0, 100)
            .mapToObj(i -> numberBody(account, n.apply(i), true, i == 57 ? "bad header" : "ok"))
            .toList();

    Response r = api.post(action(account, "createOrUpdateNumbers"), batch(items));

    JsonNode error = assertError(r, 400, "InvalidCharacters", null, "bad header");
    assertDetails(error, "numbers[57].configuration.customSipHeader");
    assertThat(numbersOf(account)).isEmpty();
    assertThat(numberCount(account)).isZero();
  }

  @Test
  void everyBadItemOfABatchHasItsOwnDetail() {
    String account = account(true);
    String other = account(true);
    IntFunction<String> n = numbers();
    List<String> items = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      items.add(numberBody(account, n.apply(i), true, null));
    }
    items.set(2, numberBody(account, "+0123", true, null));
    items.set(5, numberBody(account, n.apply(5), true, "x".repeat(101)));
    items.set(8, numberBody(other, n.apply(8), true, null));

    Response r = api.post(action(account, "createOrUpdateNumbers"), batch(items));

    JsonNode error = assertError(r, 400, "InvalidInput", null, "3");
    assertDetails(
        error,
        "numbers[2].telephoneNumber",
        "numbers[5].configuration.customSipHeader",
        "numbers[8].accountName");
    assertThat(numbersOf(account)).isEmpty();
  }

  @Test
  void aBatchWithANumberOfAnotherAccountChangesNothing() {
    String owner = account(true);
    String account = account(true);
    IntFunction<String> n = numbers();
    Response owned = create(owner, n.apply(4));
    List<String> items =
        IntStream.range(0, 10).mapToObj(i -> numberBody(account, n.apply(i), true, null)).toList();

    Response r = api.post(action(account, "createOrUpdateNumbers"), batch(items));

    JsonNode error = assertError(r, 409, "NumberOwnedByAnotherAccount", null, n.apply(4), owner);
    assertDetails(error, "numbers[4].telephoneNumber");
    assertThat(numbersOf(account)).isEmpty();
    assertUnchanged(owner, n.apply(4), owned);
  }

  @Test
  void aBatchEnablingDirectRoutingOnAnAccountWithoutItChangesNothing() {
    String account = account(false);
    IntFunction<String> n = numbers();
    List<String> items =
        List.of(
            numberBody(account, n.apply(0), false, null),
            numberBody(account, n.apply(1), true, null),
            numberBody(account, n.apply(2), false, null));

    Response r = api.post(action(account, "createOrUpdateNumbers"), batch(items));

    JsonNode error = assertError(r, 409, "DirectRoutingDisabledOnAccount", null, n.apply(1), account);
    assertDetails(error, "numbers[1]." + DR_ENABLED);
    assertThat(numbersOf(account)).isEmpty();
  }

  @Test
  void aBatchForAMissingAccountIs404() {
    String account = "missing-" + sequence.incrementAndGet();
    String number = numbers().apply(0);

    Response create =
        api.post(action(account, "createOrUpdateNumbers"), batch(numberBody(account, number, false, null)));
    Response delete = api.post(action(account, "deleteNumbers"), deleteBatch(number));

    assertError(create, 404, "AccountNotFound", null, account);
    assertError(delete, 404, "AccountNotFound", null, account);
  }

  @Test
  void deleteNumbersRemovesExactlyTheGivenNumbers() {
    String account = account(true);
    IntFunction<String> n = numbers();
    api.post(action(account, "createOrUpdateNumbers"),
        batch(IntStream.range(0, 4).mapToObj(i -> numberBody(account, n.apply(i), true, null)).toList()));

    Response r = api.post(action(account, "deleteNumbers"), deleteBatch(n.apply(0), n.apply(2), n.apply(3)));

    assertThat(r.status()).as(r.toString()).isEqualTo(204);
    assertThat(r.body()).isEmpty();
    assertThat(numbersOf(account)).containsExactly(n.apply(1));
    for (int i : new int[] {0, 2, 3}) {
      assertError(api.get(encodedPath(account, n.apply(i))), 404, "NumberNotFound", null);
    }
  }

  @Test
  void deleteNumbersWithAnAbsentNumberDeletesNothing() {
    String account = account(true);
    String other = account(true);
    IntFunction<String> n = numbers();
    create(account, n.apply(0));
    create(account, n.apply(2));
    Response foreign = create(other, n.apply(3));

    Response absent =
        api.post(action(account, "deleteNumbers"), deleteBatch(n.apply(0), n.apply(1), n.apply(2)));
    Response notOurs = api.post(action(account, "deleteNumbers"), deleteBatch(n.apply(3), n.apply(0)));

    JsonNode error = assertError(absent, 404, "NumberNotFound", null, n.apply(1), "nothing was deleted");
    assertDetails(error, "numbers[1].telephoneNumber");
    JsonNode error2 = assertError(notOurs, 404, "NumberNotFound", null, n.apply(3));
    assertDetails(error2, "numbers[0].telephoneNumber");
    assertThat(numbersOf(account)).containsExactly(n.apply(0), n.apply(2));
    assertUnchanged(other, n.apply(3), foreign);
  }

  @Test
  void numberCountFollowsDirectRoutingNumbers() {
    String account = account(true);
    IntFunction<String> n = numbers();
    assertThat(numberCount(account)).isZero();

    create(account, n.apply(0));
    create(account, n.apply(1));
    api.put(encodedPath(account, n.apply(2)), numberBody(account, n.apply(2), false, null));
    assertThat(numberCount(account)).as("two with Direct Routing, one without").isEqualTo(2);

    api.put(encodedPath(account, n.apply(1)), numberBody(account, n.apply(1), false, null));
    assertThat(numberCount(account)).isEqualTo(1);

    Response batch =
        api.post(action(account, "createOrUpdateNumbers"),
            batch(
                numberBody(account, n.apply(2), true, null),
                numberBody(account, n.apply(3), true, null),
                numberBody(account, n.apply(4), true, null)));
    assertThat(batch.status()).as(batch.toString()).isEqualTo(200);
    assertThat(numberCount(account)).isEqualTo(4);

    api.delete(encodedPath(account, n.apply(0)));
    assertThat(numberCount(account)).isEqualTo(3);

    api.post(action(account, "deleteNumbers"), deleteBatch(n.apply(3), n.apply(4)));
    assertThat(numberCount(account)).isEqualTo(1);

    Response listed = api.get("/accounts?filter=" + encode("name eq '" + account + "'"));
    assertThat(listed.json().at("/value/0/serviceDetails/teamsDirectRouting/numberCount").asLong())
        .isEqualTo(1);
  }

  // --- lists -----------------------------------------------------------------------------

  @Test
  void numbersAcrossAccountsCanBeFiltered() {
    String a = account(true);
    String b = account(true);
    String aOn = "+442071000001";
    String aOff = "+442071000002";
    String bOn = "+442072000001";
    String bOff = numbers().apply(1);
    api.put(encodedPath(a, aOn), numberBody(a, aOn, true, null));
    api.put(encodedPath(a, aOff), numberBody(a, aOff, false, null));
    api.put(encodedPath(b, bOn), numberBody(b, bOn, true, null));
    api.put(encodedPath(b, bOff), numberBody(b, bOff, false, null));

    assertThat(telephoneNumbers(listAll("/numbers?filter=" + encode("accountName eq '" + a + "'"))))
        .containsExactly(aOn, aOff);
    assertThat(telephoneNumbers(listAll("/numbers?filter=" + encode("startswith(telephoneNumber,'+4420')"))))
        .containsExactly(aOn, aOff, bOn);
    List<JsonNode> off =
        listAll("/numbers?maxpagesize=50&filter=" + encode(DR_FILTER + " eq false"));
    assertThat(off)
        .allSatisfy(x -> assertThat(x.at("/serviceDetails/teamsDirectRouting/enabled").asBoolean()).isFalse());
    assertThat(telephoneNumbers(off)).contains(aOff, bOff).doesNotContain(aOn, bOn);
    String both = "accountName eq '" + b + "' and " + DR_FILTER + " eq false";
    assertThat(telephoneNumbers(listAll("/numbers?filter=" + encode(both)))).containsExactly(bOff);
    String notOn = encode("telephoneNumber ne '" + aOn + "'");
    assertThat(telephoneNumbers(listAll("/accounts/" + a + "/numbers?filter=" + notOn)))
        .containsExactly(aOff);
  }

  @Test
  void followingNextLinkYieldsEveryNumberOnceInAscendingOrder() {
    List<String> accounts = List.of(account(true), account(true), account(true));
    IntFunction<String> n = numbers();
    String prefix = n.apply(0).substring(0, 5);
    List<String> all = IntStream.range(0, 250).mapToObj(n).toList();
    for (int k = 0; k < 3; k++) {
      String account = accounts.get(k);
      int owner = k;
      List<String> mine = IntStream.range(0, 250).filter(i -> i % 3 == owner).mapToObj(n).toList();
      Response r =
          api.post(action(account, "createOrUpdateNumbers"),
              batch(mine.stream().map(x -> numberBody(account, x, x.endsWith("7"), null)).toList()));
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }
    String filter = "filter=" + encode("startswith(telephoneNumber,'" + prefix + "')");

    List<JsonNode> pages = followAll("/numbers?maxpagesize=40&countRecords=true&" + filter);

    assertThat(pages).hasSize(7);
    assertThat(telephoneNumbers(items(pages))).containsExactlyElementsOf(all);
    assertThat(items(pages)).extracting(x -> x.path("accountName").asText()).isSubsetOf(accounts);
    assertThat(pages.get(0).path("nextLink").asText()).startsWith(server.baseUrl() + "/numbers?");

    Response counted = api.get("/numbers?maxpagesize=40&countRecords=true&" + filter);
    assertThat(counted.header("x-ms-record-count")).isEqualTo("250");

    List<String> everything = telephoneNumbers(items(followAll("/numbers?maxpagesize=97")));
    assertThat(everything).containsAll(all).doesNotHaveDuplicates();
    assertThat(everything).isSorted();

    List<String> top = telephoneNumbers(items(followAll("/numbers?maxpagesize=40&top=90&skip=5&" + filter)));
    assertThat(top).containsExactlyElementsOf(all.subList(5, 95));
  }

  @Test
  void theNumbersOfAMissingAccountAre404() {
    String account = "missing-" + sequence.incrementAndGet();

    Response list = api.get("/accounts/" + account + "/numbers");
    Response one = api.get(encodedPath(account, numbers().apply(0)));
    Response delete = api.delete(encodedPath(account, numbers().apply(0)));

    assertError(list, 404, "AccountNotFound", null, account);
    assertError(one, 404, "AccountNotFound", null, account);
    assertError(delete, 404, "AccountNotFound", null, account);
  }

  static Stream<Arguments> badListParameters() {
    return Stream.of(
        Arguments.of("maxpagesize=0", "InvalidQueryParameter", "maxpagesize"),
        Arguments.of("top=-1", "InvalidQueryParameter", "top"),
        Arguments.of("filter=" + encode("telephoneNumber eq +1"), "InvalidFilter", "filter"),
        Arguments.of("filter=" + encode("startswith(" + DR_FILTER + ",'t')"), "InvalidFilter", "filter"),
        Arguments.of("continuationToken=" + encode("***"), "InvalidContinuationToken", "continuationToken"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badListParameters")
  void badListParametersAre400(String query, String code, String target) {
    assertError(api.get("/numbers?" + query), 400, code, target, target);
  }

  // --- helpers ---------------------------------------------------------------------------

  /** A new account with or without Direct Routing. */
  private String account(boolean directRouting) {
    int id = sequence.incrementAndGet();
    String name = "acct-" + id;
    String body =
        directRouting
            ? """
              {"name": "%s", "serviceDetails": {"teamsDirectRouting": {
                 "syncEnabled": true, "enabled": true,
                 "configuration": {"subdomain": "n%d",
                   "subdomainTokens": {"region1Token": "MS=1", "region2Token": "MS=2"}}}}}
              """
                .formatted(name, id)
            : """
              {"name": "%s", "serviceDetails": {"teamsDirectRouting": {"syncEnabled": false, "enabled": false}}}
              """
                .formatted(name);
    Response r = api.put("/accounts/" + name, body);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return name;
  }

  /** Numbers of a block no other test uses: +1BBB0000000 + i. */
  private IntFunction<String> numbers() {
    int block = blocks.incrementAndGet();
    return i -> "+1" + block + String.format("%07d", i);
  }

  static String numberBody(String account, String number, boolean directRouting, String header) {
    return """
        {"telephoneNumber": %s, "accountName": "%s",
         "serviceDetails": {"teamsDirectRouting": {"enabled": %s}}%s}"""
        .formatted(quoted(number), account, directRouting, configuration(header));
  }

  /** The {@code configuration} member of a number, or nothing when there is no header. */
  private static String configuration(String header) {
    return header == null ? "" : ", \"configuration\": {\"customSipHeader\": " + quoted(header) + "}";
  }

  /** A valid custom SIP header derived from a number. */
  private static String header(String number) {
    return "h" + number.substring(1);
  }

  private static JsonNode expectedView(
      String account, String number, boolean directRouting, String header) {
    String json =
        """
        {"telephoneNumber": "%s", "accountName": "%s",
         "serviceDetails": {"teamsDirectRouting": {"enabled": %s}}%s,
         "serviceProvisioningStatus": "pending",
         "serviceProvisioningErrors": []}
        """
            .formatted(number, account, directRouting, configuration(header));
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String batch(List<String> items) {
    return "{\"numbers\": [" + String.join(",\n", items) + "]}";
  }

  private static String batch(String... items) {
    return batch(List.of(items));
  }

  private static String deleteBatch(String... numbers) {
    return batch(Stream.of(numbers).map(x -> "{\"telephoneNumber\": " + quoted(x) + "}").toList());
  }

  private static String quoted(String value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String action(String account, String action) {
    return "/accounts/" + account + ":" + action;
  }

  /** The number's path with the number percent-encoded, as ACG clients send it ({@code %2B}). */
  private static String encodedPath(String account, String number) {
    return "/accounts/" + account + "/numbers/" + encode(number).replace("+", "%20");
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private Response create(String account, String number) {
    Response r = api.put(encodedPath(account, number), numberBody(account, number, true, null));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r;
  }

  private List<String> numbersOf(String account) {
    return telephoneNumbers(listAll("/accounts/" + account + "/numbers"));
  }

  private long numberCount(String account) {
    Response r = api.get("/accounts/" + account);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().at("/serviceDetails/teamsDirectRouting/numberCount").asLong(-1);
  }

  private List<JsonNode> listAll(String firstPathAndQuery) {
    return items(followAll(firstPathAndQuery));
  }

  /** The first page and every page reached through nextLink, sent exactly as given. */
  private List<JsonNode> followAll(String firstPathAndQuery) {
    return api.pages(firstPathAndQuery, 1000);
  }


  private static List<JsonNode> items(List<JsonNode> pages) {
    List<JsonNode> out = new ArrayList<>();
    pages.forEach(p -> p.path("value").forEach(out::add));
    return out;
  }

  private static List<String> telephoneNumbers(List<JsonNode> numbers) {
    return numbers.stream().map(x -> x.path("telephoneNumber").asText()).toList();
  }

  /** As in AccountsApiTest: status, x-ms-error-code, error.code, target and message fragments. */
  private static JsonNode assertError(
      Response r, int status, String code, String target, String... messageFragments) {
    return AccountsApiTest.assertError(r, status, code, target, messageFragments);
  }

  /** Asserts that {@code error.details} holds exactly one detail per given target, in order. */
  private static List<JsonNode> assertDetails(JsonNode error, String... targets) {
    List<JsonNode> details = new ArrayList<>();
    error.path("details").forEach(details::add);
    assertThat(details)
        .as("details of " + error)
        .extracting(d -> d.path("target").asText())
        .containsExactly(targets);
    assertThat(details).allSatisfy(d -> {
      assertThat(d.path("code").asText()).isNotBlank();
      assertThat(d.path("message").asText()).isNotBlank();
    });
    return details;
  }

  private void assertUnchanged(String account, String number, Response before) {
    Response now = api.get(encodedPath(account, number));
    assertThat(now.status()).as(now.toString()).isEqualTo(200);
    assertThat(now.header("ETag")).isEqualTo(before.header("ETag"));
    assertThat(withoutStatus(now.json())).isEqualTo(withoutStatus(before.json()));
  }
}

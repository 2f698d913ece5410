package dev.drgw.portal;

import dev.drgw.domain.Actor;
import dev.drgw.domain.ProvisioningException;
import dev.drgw.domain.Violation;
import dev.drgw.number.NumberEntry;
import dev.drgw.number.NumberRules;
import dev.drgw.number.NumberService;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Number upload in ACG's portal CSV layout:
 * {@code telephoneNumber,accountName,serviceDetails_teamsDirectRouting_enabled,configuration_customSipHeader}.
 * Every row is checked first; valid rows go in batches of 100, each all or nothing; a batch that
 * fails on some rows is applied again without them, so one bad row never holds back the rest.
 */
public final class CsvImport {

  static final List<String> COLUMNS =
      List.of(
          "telephoneNumber",
          "accountName",
          "serviceDetails_teamsDirectRouting_enabled",
          "configuration_customSipHeader");
  static final int MAX_ROWS = 100_000;

  /** A row that was not applied: its line in the file, the number, and why. */
  public record RowError(long line, String telephoneNumber, String message) {}

  /** What an upload did. */
  record Report(int rows, int applied, List<RowError> errors) {}

  private record Row(long line, NumberEntry entry) {}

  private final NumberService numbers;

  CsvImport(NumberService numbers) {
    this.numbers = numbers;
  }

  private static boolean notUtf8(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.nio.charset.CharacterCodingException) {
        return true;
      }
    }
    return false;
  }

  /** Spreadsheet programs start "CSV UTF-8" files with a byte order mark; it is not data. */
  private static Reader withoutByteOrderMark(Reader csv) throws IOException {
    java.io.PushbackReader in = new java.io.PushbackReader(csv);
    int first = in.read();
    if (first != -1 && first != '\uFEFF') {
      in.unread(first);
    }
    return in;
  }

  Report run(String account, Reader csv, Actor actor) {
    List<RowError> errors = new ArrayList<>();
    List<Row> valid = new ArrayList<>();
    int rows = 0;
    Set<String> seen = new HashSet<>();
    long lastLine = 0; // the line the last complete record ended on
    try (CSVParser parser =
        CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).setTrim(true).get().parse(withoutByteOrderMark(csv))) {
      for (CSVRecord record : parser) {
        lastLine = record.getParser().getCurrentLineNumber();
        if (record.getRecordNumber() == 1 && isHeader(record)) {
          continue;
        }
        rows++;
        if (rows > MAX_ROWS) {
          errors.add(new RowError(record.getParser().getCurrentLineNumber(), "",
              "at most " + MAX_ROWS + " rows per file; the rest was not read"));
          break;
        }
        long line = record.getParser().getCurrentLineNumber();
        String tn = field(record, 0);
        String owner = field(record, 1);
        String enabled = field(record, 2).toLowerCase(Locale.ROOT);
        String header = field(record, 3);
        if (record.size() > COLUMNS.size()) {
          errors.add(new RowError(line, tn, "has " + record.size() + " columns; the layout has " + COLUMNS.size()));
          continue;
        }
        if (!owner.isEmpty() && !owner.equals(account)) {
          errors.add(new RowError(line, tn, "is for account '" + owner + "', not '" + account + "'"));
          continue;
        }
        if (!enabled.isEmpty() && !enabled.equals("true") && !enabled.equals("false")) {
          errors.add(new RowError(line, tn, "serviceDetails_teamsDirectRouting_enabled must be true or false, got \"" + field(record, 2) + "\""));
          continue;
        }
        NumberEntry entry = new NumberEntry(tn, account, !enabled.equals("false"), header.isEmpty() ? null : header, null);
        List<Violation> violations = NumberRules.check(entry);
        if (!violations.isEmpty()) {
          errors.add(new RowError(line, tn, violations.get(0).message()));
          continue;
        }
        if (!seen.add(tn)) {
          errors.add(new RowError(line, tn, "appears more than once in the file"));
          continue;
        }
        valid.add(new Row(line, entry));
      }
    } catch (IOException | IllegalStateException | java.io.UncheckedIOException e) {
      // A file that cannot be read to the end is not applied at all: fix it and upload it again.
      errors.add(new RowError(lastLine + 1, "", notUtf8(e)
          ? "the file is not UTF-8 text, so nothing was saved; save it as \"CSV UTF-8\" and upload it again"
          : "the file is not valid CSV, so nothing was saved: " + e.getMessage()));
      valid.clear();
    }
    int applied = 0;
    for (int i = 0; i < valid.size(); i += 100) {
      applied += apply(account, valid.subList(i, Math.min(valid.size(), i + 100)), actor, errors);
    }
    errors.sort((a, b) -> Long.compare(a.line(), b.line()));
    return new Report(rows, applied, errors);
  }

  /** Applies one batch; on refusal, reports the refused rows and applies the others once more. */
  private int apply(String account, List<Row> batch, Actor actor, List<RowError> errors) {
    try {
      numbers.upsertBatch(account, batch.stream().map(Row::entry).toList(), actor);
      return batch.size();
    } catch (ProvisioningException e) {
      Map<Integer, String> failed = failedItems(e, batch.size());
      if (failed.isEmpty()) {
        batch.forEach(r -> errors.add(new RowError(r.line(), r.entry().telephoneNumber(), e.getMessage())));
        return 0;
      }
      List<Row> rest = new ArrayList<>();
      for (int i = 0; i < batch.size(); i++) {
        Row row = batch.get(i);
        if (failed.containsKey(i)) {
          errors.add(new RowError(row.line(), row.entry().telephoneNumber(), failed.get(i)));
        } else {
          rest.add(row);
        }
      }
      return rest.isEmpty() ? 0 : apply(account, rest, actor, errors);
    }
  }

  /** Index in the batch → message, from the error's per-item details ({@code numbers[i]...}). */
  private static Map<Integer, String> failedItems(ProvisioningException e, int size) {
    List<Violation> details =
        e instanceof ProvisioningException.Conflict c ? c.details()
            : e instanceof ProvisioningException.NotFound n ? n.details()
            : e instanceof ProvisioningException.Invalid v ? v.violations()
            : List.of();
    Map<Integer, String> failed = new HashMap<>();
    for (Violation v : details) {
      String target = v.target();
      if (target != null && target.startsWith("numbers[")) {
        try {
          int index = Integer.parseInt(target.substring(8, target.indexOf(']')));
          if (index >= 0 && index < size) {
            failed.put(index, v.message().replaceFirst("^numbers\\[\\d+\\]\\.", ""));
          }
        } catch (RuntimeException ignored) {
          // not an item reference
        }
      }
    }
    return failed;
  }

  private static boolean isHeader(CSVRecord record) {
    return record.size() > 0 && record.get(0).equalsIgnoreCase(COLUMNS.get(0));
  }

  private static String field(CSVRecord record, int index) {
    return index < record.size() ? record.get(index).strip() : "";
  }
}

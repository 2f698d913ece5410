package dev.drgw.store;

import dev.drgw.domain.Filter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Translates a {@link Filter} into a SQL condition with positional parameters. */
final class SqlFilter {

  /** A condition and the values of its {@code ?} placeholders, in order. */
  record Condition(String sql, List<Object> params) {}

  private SqlFilter() {}

  /** {@code columns} maps each filterable field to its column; an unmapped field is a bug. */
  static Condition translate(Filter filter, Map<String, String> columns) {
    List<Object> params = new ArrayList<>();
    String sql = sql(filter, columns, params);
    return new Condition(sql, params);
  }

  private static String sql(Filter filter, Map<String, String> columns, List<Object> params) {
    if (filter instanceof Filter.All) {
      return "1 = 1";
    }
    if (filter instanceof Filter.And and) {
      return "(" + sql(and.left(), columns, params) + " AND " + sql(and.right(), columns, params) + ")";
    }
    if (filter instanceof Filter.Or or) {
      return "(" + sql(or.left(), columns, params) + " OR " + sql(or.right(), columns, params) + ")";
    }
    if (filter instanceof Filter.StartsWith startsWith) {
      params.add(escapeLike(startsWith.prefix()) + "%");
      return column(columns, startsWith.field()) + " LIKE ? ESCAPE '!'";
    }
    Filter.Compare compare = (Filter.Compare) filter;
    String column = column(columns, compare.field());
    boolean eq = compare.op() == Filter.Op.EQ;
    if (compare.value() == null) {
      return column + (eq ? " IS NULL" : " IS NOT NULL");
    }
    params.add(compare.value());
    // OData: an absent value is "not equal" to any given value.
    return eq ? column + " = ?" : "(" + column + " <> ? OR " + column + " IS NULL)";
  }

  private static String column(Map<String, String> columns, String field) {
    String column = columns.get(field);
    if (column == null) {
      throw new IllegalArgumentException("no column for filter field " + field);
    }
    return column;
  }

  static String escapeLike(String value) {
    return value.replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }
}

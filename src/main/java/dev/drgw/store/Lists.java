package dev.drgw.store;

import dev.drgw.domain.Filter;
import dev.drgw.domain.Page;
import dev.drgw.domain.PageRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

/** Keyset-paged, filtered list queries: stable order by key, each item exactly once. */
final class Lists {

  private Lists() {}

  static <T> Page<T> page(
      Jdbi jdbi,
      String select,
      String keyColumn,
      List<String> fixedConditions,
      List<Object> fixedParams,
      Map<String, String> columns,
      PageRequest request,
      RowMapper<T> mapper,
      Function<T, String> key) {
    if (request.limit() == 0) {
      return new Page<>(List.of(), Optional.empty());
    }
    List<String> conditions = new ArrayList<>(fixedConditions);
    List<Object> params = new ArrayList<>(fixedParams);
    SqlFilter.Condition filter = SqlFilter.translate(request.filter(), columns);
    conditions.add(filter.sql());
    params.addAll(filter.params());
    request
        .after()
        .ifPresent(
            after -> {
              conditions.add(keyColumn + " > ?");
              params.add(after);
            });
    String sql =
        select
            + " WHERE "
            + String.join(" AND ", conditions)
            + " ORDER BY "
            + keyColumn
            + " OFFSET ? ROWS FETCH FIRST ? ROWS ONLY";
    params.add(request.skip());
    params.add(request.limit() + 1);
    List<T> rows =
        jdbi.withHandle(
            h -> {
              Query q = h.createQuery(sql);
              for (int i = 0; i < params.size(); i++) {
                q.bind(i, params.get(i));
              }
              return q.map(mapper).list();
            });
    if (rows.size() <= request.limit()) {
      return new Page<>(rows, Optional.empty());
    }
    List<T> items = rows.subList(0, request.limit());
    return new Page<>(List.copyOf(items), Optional.of(key.apply(items.get(items.size() - 1))));
  }

  static long count(
      Jdbi jdbi,
      String table,
      List<String> fixedConditions,
      List<Object> fixedParams,
      Map<String, String> columns,
      Filter filter) {
    List<String> conditions = new ArrayList<>(fixedConditions);
    List<Object> params = new ArrayList<>(fixedParams);
    SqlFilter.Condition condition = SqlFilter.translate(filter, columns);
    conditions.add(condition.sql());
    params.addAll(condition.params());
    String sql = "SELECT COUNT(*) FROM " + table + " WHERE " + String.join(" AND ", conditions);
    return jdbi.withHandle(
        h -> {
          Query q = h.createQuery(sql);
          for (int i = 0; i < params.size(); i++) {
            q.bind(i, params.get(i));
          }
          return q.mapTo(Long.class).one();
        });
  }
}

package dev.drgw.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document served at {@code /openapi.json} is valid OpenAPI 3, documents exactly the
 * operations the server answers ({@link ApiRoutes#OPERATIONS}), declares the Azure Core error
 * responses on every operation, and has no dangling {@code $ref}. Each check is also run on a
 * broken copy of the document, to show that it can fail.
 */
class OpenApiDocumentTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> HTTP_METHODS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
  private static final List<String> REQUIRED_ERRORS = List.of("400", "401", "403", "default");

  // ---------------------------------------------------------------- (a) JSON and OpenAPI 3

  @Test
  void isJsonAndValidOpenApi3() throws IOException {
    String text = documentText();
    JsonNode doc = MAPPER.readTree(text);

    assertThat(doc).isNotNull();
    assertThat(doc.isObject()).as("the document is a JSON object").isTrue();
    assertThat(doc.path("openapi").asText()).isEqualTo("3.0.3");
    assertThat(doc.path("info").path("title").asText()).isEqualTo("drgw Provisioning API");
    assertThat(doc.path("info").path("version").asText()).isEqualTo(ApiPipeline.API_VERSION);
    assertThat(openApiProblems(text)).as("swagger-parser messages").isEmpty();
  }

  @Test
  void theOpenApiValidationRejectsAnInvalidDocument() {
    ObjectNode noDescription = document();
    responses(operationNodes(noDescription).values().iterator().next()).putObject("299");
    assertThat(openApiProblems(noDescription.toString()))
        .as("a response without its description")
        .isNotEmpty();

    ObjectNode noInfo = document();
    noInfo.remove("info");
    assertThat(openApiProblems(noInfo.toString())).as("a document without info").isNotEmpty();

    ObjectNode badParameter = document();
    ((ObjectNode) badParameter.at("/components/parameters/Top")).put("in", "body");
    assertThat(openApiProblems(badParameter.toString()))
        .as("a parameter in an unknown place")
        .isNotEmpty();
  }

  /** What swagger-parser finds wrong with {@code text} as an OpenAPI 3 document. */
  private static List<String> openApiProblems(String text) {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult result = new OpenAPIV3Parser().readContents(text, null, options);
    List<String> problems = new ArrayList<>();
    if (result.getMessages() != null) {
      problems.addAll(result.getMessages());
    }
    if (result.getOpenAPI() == null) {
      problems.add("swagger-parser produced no OpenAPI model");
    } else if (result.getOpenAPI().getOpenapi() == null
        || !result.getOpenAPI().getOpenapi().startsWith("3.")) {
      problems.add("not an OpenAPI 3 document: " + result.getOpenAPI().getOpenapi());
    }
    return problems;
  }

  // ---------------------------------------------------------------- (b) the served operations

  @Test
  void documentsExactlyTheOperationsTheServerAnswers() {
    assertThat(ApiRoutes.OPERATIONS).isNotEmpty().doesNotHaveDuplicates();

    assertThat(operations(document()))
        .as("(method, path) pairs of the document against ApiRoutes.OPERATIONS")
        .containsExactlyInAnyOrderElementsOf(ApiRoutes.OPERATIONS);
  }

  @Test
  void anUndocumentedOrUnservedOperationIsNoticed() {
    Set<ApiRoutes.Operation> served = Set.copyOf(ApiRoutes.OPERATIONS);

    ObjectNode missing = document();
    ((ObjectNode) missing.path("paths")).remove("/numbers");
    assertThat(operations(missing)).isNotEqualTo(served);

    ObjectNode extra = document();
    ObjectNode accounts = (ObjectNode) extra.path("paths").path("/accounts");
    accounts.set("post", accounts.path("get").deepCopy());
    assertThat(operations(extra)).isNotEqualTo(served);
  }

  /** Every (method, path template) pair the document describes. */
  private static Set<ApiRoutes.Operation> operations(JsonNode doc) {
    Set<ApiRoutes.Operation> out = new LinkedHashSet<>();
    for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
      for (Map.Entry<String, JsonNode> item : path.getValue().properties()) {
        if (HTTP_METHODS.contains(item.getKey())) {
          out.add(new ApiRoutes.Operation(item.getKey(), path.getKey()));
        }
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- (c) Azure Core errors

  @Test
  void everyOperationDeclaresTheAzureCoreErrorResponses() {
    JsonNode doc = document();
    assertThat(operationNodes(doc).keySet()).hasSameSizeAs(ApiRoutes.OPERATIONS);
    assertThat(errorResponseProblems(doc)).isEmpty();
  }

  @Test
  void aMissingOrWrongErrorResponseIsNoticed() {
    assertThat(errorResponseProblems(withFirstOperation(op -> responses(op).remove("401"))))
        .anySatisfy(p -> assertThat(p).contains("401: not declared"));
    assertThat(errorResponseProblems(withFirstOperation(op -> responses(op).remove("default"))))
        .anySatisfy(p -> assertThat(p).contains("default: not declared"));

    JsonNode notAnError =
        json(
            "{\"description\": \"x\","
                + " \"headers\": {\"x-ms-error-code\": {\"schema\": {\"type\": \"string\"}}},"
                + " \"content\": {\"application/json\": {\"schema\":"
                + " {\"$ref\": \"#/components/schemas/AccountResource\"}}}}");
    assertThat(
            errorResponseProblems(withFirstOperation(op -> responses(op).set("403", notAnError))))
        .anySatisfy(p -> assertThat(p).contains("403: the schema does not require 'error'"));

    ObjectNode noDetails = document();
    JsonNode error =
        resolve(noDetails, noDetails.at("/components/schemas/ErrorResponse/properties/error"));
    ((ObjectNode) error.path("properties")).remove("details");
    assertThat(errorResponseProblems(noDetails))
        .anySatisfy(p -> assertThat(p).contains("'error.details' is not an array"));

    ObjectNode noErrorCode = document();
    ((ObjectNode) noErrorCode.at("/components/responses/BadRequest/headers"))
        .remove("x-ms-error-code");
    assertThat(errorResponseProblems(noErrorCode))
        .anySatisfy(p -> assertThat(p).contains("400: no x-ms-error-code header"));
  }

  /** Operations' 400, 401, 403 and default responses that are missing or not Azure Core errors. */
  private static List<String> errorResponseProblems(JsonNode doc) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, JsonNode> op : operationNodes(doc).entrySet()) {
      for (String status : REQUIRED_ERRORS) {
        String where = op.getKey() + " " + status;
        JsonNode declared = op.getValue().path("responses").path(status);
        if (declared.isMissingNode()) {
          problems.add(where + ": not declared");
          continue;
        }
        JsonNode response = resolve(doc, declared);
        if (response == null) {
          problems.add(where + ": its $ref does not resolve");
          continue;
        }
        if (!response.path("headers").has("x-ms-error-code")) {
          problems.add(where + ": no x-ms-error-code header");
        }
        JsonNode schema = response.path("content").path("application/json").path("schema");
        String wrong = azureCoreErrorProblem(doc, schema);
        if (wrong != null) {
          problems.add(where + ": " + wrong);
        }
      }
    }
    return problems;
  }

  /**
   * Why {@code schema} is not the Azure Core error response, {@code {"error": {"code", "message",
   * "target", "details": [error...]}}} with code and message required; null when it is.
   */
  private static String azureCoreErrorProblem(JsonNode doc, JsonNode schema) {
    JsonNode response = resolve(doc, schema);
    if (response == null || response.isMissingNode()) {
      return "no application/json schema";
    }
    if (!contains(response.path("required"), "error")) {
      return "the schema does not require 'error'";
    }
    JsonNode error = resolve(doc, response.path("properties").path("error"));
    if (error == null || !"object".equals(error.path("type").asText())) {
      return "the schema has no 'error' object";
    }
    JsonNode required = error.path("required");
    if (!contains(required, "code") || !contains(required, "message")) {
      return "'error' does not require code and message";
    }
    for (String field : List.of("code", "message", "target")) {
      JsonNode property = resolve(doc, error.path("properties").path(field));
      if (property == null || !"string".equals(property.path("type").asText())) {
        return "'error." + field + "' is not a string";
      }
    }
    JsonNode details = resolve(doc, error.path("properties").path("details"));
    if (details == null || !"array".equals(details.path("type").asText())) {
      return "'error.details' is not an array";
    }
    JsonNode item = resolve(doc, details.path("items"));
    if (item == null || !item.equals(error)) {
      return "'error.details' does not hold errors";
    }
    return null;
  }

  // ---------------------------------------------------------------- operation IDs and api-version

  @Test
  void everyOperationHasAUniqueIdAndRequiresTheServedApiVersion() {
    JsonNode doc = document();
    List<String> ids = new ArrayList<>();
    for (Map.Entry<String, JsonNode> op : operationNodes(doc).entrySet()) {
      ids.add(op.getValue().path("operationId").asText());
      List<JsonNode> apiVersion = new ArrayList<>();
      for (JsonNode declared : op.getValue().path("parameters")) {
        JsonNode parameter = resolve(doc, declared);
        if (parameter != null
            && "api-version".equals(parameter.path("name").asText())
            && "query".equals(parameter.path("in").asText())) {
          apiVersion.add(parameter);
        }
      }
      assertThat(apiVersion).as("api-version of %s", op.getKey()).hasSize(1);
      assertThat(apiVersion.get(0).path("required").asBoolean())
          .as("api-version required in %s", op.getKey())
          .isTrue();
      assertThat(apiVersion.get(0).path("schema").path("enum"))
          .as("api-version values of %s", op.getKey())
          .containsExactly(MAPPER.getNodeFactory().textNode(ApiPipeline.API_VERSION));
    }
    assertThat(ids).hasSameSizeAs(ApiRoutes.OPERATIONS).doesNotHaveDuplicates().doesNotContain("");
  }

  // ---------------------------------------------------------------- (d) every $ref resolves

  @Test
  void everyRefResolves() {
    JsonNode doc = document();
    assertThat(refs(doc)).hasSizeGreaterThan(ApiRoutes.OPERATIONS.size());
    assertThat(unresolvedRefs(doc)).isEmpty();
  }

  @Test
  void aDanglingRefIsNoticed() {
    String nowhere = "#/components/parameters/Nowhere";
    ObjectNode dangling =
        withFirstOperation(
            op -> ((ArrayNode) op.path("parameters")).addObject().put("$ref", nowhere));
    assertThat(unresolvedRefs(dangling)).containsExactly(nowhere);

    ObjectNode external = document();
    ((ObjectNode) external.at("/components/schemas/BatchNumbers/properties/numbers"))
        .putObject("items")
        .put("$ref", "other.json#/Number");
    assertThat(unresolvedRefs(external)).containsExactly("other.json#/Number");
  }

  /** The {@code $ref}s that do not point to a node of the document itself. */
  private static List<String> unresolvedRefs(JsonNode doc) {
    List<String> out = new ArrayList<>();
    for (String ref : refs(doc)) {
      if (target(doc, ref) == null) {
        out.add(ref);
      }
    }
    return out;
  }

  private static List<String> refs(JsonNode doc) {
    List<String> out = new ArrayList<>();
    collectRefs(doc, out);
    return out;
  }

  private static void collectRefs(JsonNode node, List<String> out) {
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null) {
        out.add(ref.asText());
      }
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        collectRefs(field.getValue(), out);
      }
    } else if (node.isArray()) {
      for (JsonNode element : node) {
        collectRefs(element, out);
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private static String documentText() {
    try (InputStream in = OpenApiDocumentTest.class.getResourceAsStream("/openapi.json")) {
      assertThat(in).as("/openapi.json on the classpath").isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh, mutable copy of the document. */
  private static ObjectNode document() {
    return (ObjectNode) json(documentText());
  }

  private static ObjectNode withFirstOperation(Consumer<ObjectNode> change) {
    ObjectNode doc = document();
    change.accept((ObjectNode) operationNodes(doc).values().iterator().next());
    return doc;
  }

  private static ObjectNode responses(JsonNode operation) {
    return (ObjectNode) operation.path("responses");
  }

  /** The operation objects of the document, by "METHOD path". */
  private static Map<String, JsonNode> operationNodes(JsonNode doc) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
      for (Map.Entry<String, JsonNode> item : path.getValue().properties()) {
        if (HTTP_METHODS.contains(item.getKey())) {
          out.put(item.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), item.getValue());
        }
      }
    }
    return out;
  }

  /** The node a local {@code $ref} points to; null if it is not local or points nowhere. */
  private static JsonNode target(JsonNode doc, String ref) {
    if (!ref.startsWith("#/")) {
      return null;
    }
    JsonNode target = doc.at(JsonPointer.compile(ref.substring(1)));
    return target.isMissingNode() ? null : target;
  }

  /** Follows {@code $ref}s from {@code node}; null if one does not resolve or they loop. */
  private static JsonNode resolve(JsonNode doc, JsonNode node) {
    Set<String> seen = new HashSet<>();
    JsonNode current = node;
    while (current != null && current.has("$ref")) {
      String ref = current.get("$ref").asText();
      if (!seen.add(ref)) {
        return null;
      }
      current = target(doc, ref);
    }
    return current;
  }

  private static boolean contains(JsonNode array, String value) {
    if (!array.isArray()) {
      return false;
    }
    for (JsonNode element : array) {
      if (value.equals(element.asText())) {
        return true;
      }
    }
    return false;
  }
}

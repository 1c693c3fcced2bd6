package example;

import java.util.HashMap;
import java.util.Map;

public class Handler {
    // "Access-Control-Allow-Origin" in a comment does not count
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
        Map<String, String> headers = new HashMap<>();
        headers.put("Access-Control-Allow-Origin", "*");
        return new APIGatewayProxyResponseEvent().withStatusCode(200).withHeaders(headers);
    }

    private APIGatewayProxyResponseEvent error() {
        return new APIGatewayProxyResponseEvent().withStatusCode(500);
    }
}

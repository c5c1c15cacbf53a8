// The operator console's JSON API (/console/operator/api/), through the
// shared client.
import { apiClient, ApiError } from "../client.js";

const api = apiClient("/console/operator/api/");
export { ApiError };
export const { get, post } = api;
export default api;

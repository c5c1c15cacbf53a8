// The tenant console's JSON API (/console/api/), through the shared client.
import { apiClient, ApiError } from "./client.js";

const api = apiClient("/console/api/");
export { ApiError };
export const { get, post } = api;
export default api;

// Spotify's official TypeScript SDK, unmodified, pointed at songrec: its API root (SpotifyApi.rootUrl) and the
// accounts host its client-credentials strategy fetches the token from are the only things changed.
// Usage: node client.mjs BASE_URL CLIENT_ID CLIENT_SECRET REQUEST_JSON → one JSON object of answers on stdout.
import { SpotifyApi } from "@spotify/web-api-ts-sdk";

const [base, clientId, clientSecret, requestJson] = process.argv.slice(2);
const ask = JSON.parse(requestJson);
const realFetch = globalThis.fetch;
globalThis.fetch = (url, init) => realFetch(String(url).replace("https://accounts.spotify.com", base), init);
SpotifyApi.rootUrl = `${base}/v1/`;

const sdk = SpotifyApi.withClientCredentials(clientId, clientSecret);
const answers = {
  track: await sdk.tracks.get(ask.track),
  tracks: await sdk.tracks.get(ask.tracks),
  audioFeature: await sdk.tracks.audioFeatures(ask.track),
  audioFeatures: await sdk.tracks.audioFeatures(ask.tracks),
  recommendations: await sdk.recommendations.get({
    seed_tracks: [ask.track], seed_artists: [ask.artist], seed_genres: [ask.genre], limit: 10,
    target_energy: 0.5, min_danceability: 0.2,
  }),
  genreSeeds: await sdk.recommendations.genreSeeds(),
  search: await sdk.search(ask.query, ["track", "artist", "album"], undefined, 5),
  artist: await sdk.artists.get(ask.artist),
  artists: await sdk.artists.get([ask.artist]),
  topTracks: await sdk.artists.topTracks(ask.artist, "US"),
  relatedArtists: await sdk.artists.relatedArtists(ask.artist),
  album: await sdk.albums.get(ask.album),
  albumTracks: await sdk.albums.tracks(ask.album, undefined, 5, 0),
};
process.stdout.write(JSON.stringify(answers));

# The worker (koppel-worker, which also serves the codec) and the operator CLI
# (starter) in one small image.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /out/koppel-worker ./worker/cmd && \
    CGO_ENABLED=0 go build -trimpath -o /out/starter ./starter

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/koppel-worker /out/starter /usr/local/bin/
USER nonroot
ENTRYPOINT ["/usr/local/bin/koppel-worker"]

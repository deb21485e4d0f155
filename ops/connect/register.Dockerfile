# One-shot job image that registers the Orders outbox connector (public.outbox -> microshop.order-outbox) with Kafka
# Connect: register-connector.sh needs only bash, curl and jq, which the Connect image does not all have.
FROM alpine:3.22

RUN apk add --no-cache bash curl jq

COPY register-connector.sh outbox-source.json /connect/

USER nobody
ENTRYPOINT ["bash", "/connect/register-connector.sh"]
CMD ["/connect/outbox-source.json"]

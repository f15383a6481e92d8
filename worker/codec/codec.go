// Package codec encrypts every payload Temporal stores for Koppel — workflow
// and activity inputs and results, memos, and (through the failure converter)
// error messages — with AES-256-GCM. Each payload names the key it was sealed
// with, so keys can rotate: new payloads use the active key, old histories
// still open with the key they name.
package codec

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"sort"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	failurepb "go.temporal.io/api/failure/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/proto"
)

// Metadata of an encrypted payload.
const (
	EncodingEncrypted = "binary/encrypted"
	MetadataKeyID     = "encryption-key-id"
)

// Keyring holds the keys by id and names the one new payloads are sealed with.
type Keyring struct {
	active string
	aeads  map[string]cipher.AEAD
}

// ParseKeys reads keys written as id:base64,id:base64 (each key 32 bytes,
// standard or URL base64). active names the key for new payloads; empty means
// the first one listed. Every problem is reported at once, without key bytes.
func ParseKeys(spec, active string) (*Keyring, error) {
	r := &Keyring{aeads: map[string]cipher.AEAD{}}
	var problems, order []string
	for i, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		id, b64, ok := strings.Cut(part, ":")
		id = strings.TrimSpace(id)
		if !ok || id == "" {
			problems = append(problems, fmt.Sprintf("entry %d is not id:base64-key", i+1))
			continue
		}
		key, err := decodeKey(strings.TrimSpace(b64))
		if err != nil {
			problems = append(problems, fmt.Sprintf("key %q: %v", id, err))
			continue
		}
		if _, dup := r.aeads[id]; dup {
			problems = append(problems, fmt.Sprintf("key id %q is listed twice", id))
			continue
		}
		block, _ := aes.NewCipher(key)
		aead, _ := cipher.NewGCM(block)
		r.aeads[id] = aead
		order = append(order, id)
	}
	if len(order) == 0 && len(problems) == 0 {
		problems = append(problems, "no keys; write them as id:base64-key[,id:base64-key …] (make a key with: openssl rand -base64 32)")
	}
	if active == "" && len(order) > 0 {
		active = order[0]
	}
	if _, ok := r.aeads[active]; !ok && len(order) > 0 {
		problems = append(problems, fmt.Sprintf("the active key id %q is not among the keys (%s)", active, strings.Join(order, ", ")))
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("encryption keys: %s", strings.Join(problems, "; "))
	}
	r.active = active
	return r, nil
}

func decodeKey(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			if len(b) != 32 {
				return nil, fmt.Errorf("is %d bytes; AES-256 needs 32", len(b))
			}
			return b, nil
		}
	}
	return nil, fmt.Errorf("is not base64")
}

// NewKey makes a random key in the form ParseKeys reads.
func NewKey(id string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return id + ":" + base64.StdEncoding.EncodeToString(b), nil
}

// Active is the id new payloads are sealed with.
func (r *Keyring) Active() string { return r.active }

// IDs lists the key ids, sorted.
func (r *Keyring) IDs() []string {
	out := make([]string, 0, len(r.aeads))
	for id := range r.aeads {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Codec is a converter.PayloadCodec sealing payloads with the keyring.
type Codec struct{ Keys *Keyring }

var _ converter.PayloadCodec = Codec{}

// Encode seals each payload (metadata and data together) with the active key.
func (c Codec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	aead := c.Keys.aeads[c.Keys.active]
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		plain, err := proto.Marshal(p)
		if err != nil {
			return nil, fmt.Errorf("encrypting a payload: %w", err)
		}
		nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
		if _, err := rand.Read(nonce); err != nil {
			return nil, fmt.Errorf("encrypting a payload: %w", err)
		}
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{
				converter.MetadataEncoding: []byte(EncodingEncrypted),
				MetadataKeyID:              []byte(c.Keys.active),
			},
			Data: aead.Seal(nonce, nonce, plain, []byte(c.Keys.active)),
		}
	}
	return out, nil
}

// Decode opens sealed payloads with the key they name; others pass unchanged.
func (c Codec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if string(p.GetMetadata()[converter.MetadataEncoding]) != EncodingEncrypted {
			out[i] = p
			continue
		}
		id := string(p.GetMetadata()[MetadataKeyID])
		aead, ok := c.Keys.aeads[id]
		if !ok {
			return nil, fmt.Errorf("a payload is sealed with key %q, which this process does not have (it has %s)", id, strings.Join(c.Keys.IDs(), ", "))
		}
		data := p.GetData()
		if len(data) < aead.NonceSize() {
			return nil, fmt.Errorf("a payload sealed with key %q is too short", id)
		}
		plain, err := aead.Open(nil, data[:aead.NonceSize()], data[aead.NonceSize():], []byte(id))
		if err != nil {
			return nil, fmt.Errorf("a payload sealed with key %q does not open: wrong key or altered data", id)
		}
		var inner commonpb.Payload
		if err := proto.Unmarshal(plain, &inner); err != nil {
			return nil, fmt.Errorf("a payload sealed with key %q: %w", id, err)
		}
		out[i] = &inner
	}
	return out, nil
}

// DataConverter is the default converter with every payload sealed.
func DataConverter(keys *Keyring) converter.DataConverter {
	return converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), Codec{Keys: keys})
}

// FailureConverter moves error messages and stack traces into an encoded
// payload, so failures are sealed too: our errors quote API answers that may
// hold customer data.
func FailureConverter(dc converter.DataConverter) converter.FailureConverter {
	return sealedFailures{
		FailureConverter: temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{DataConverter: dc, EncodeCommonAttributes: true}),
		dc:               dc,
	}
}

// sealedFailures makes sure no failure leaves in plain text: an error that
// came from a decoded failure carries that failure with its message restored,
// so every level is sealed again on the way out.
type sealedFailures struct {
	converter.FailureConverter
	dc converter.DataConverter
}

const sealedMessage = "Encoded failure"

// FailureToError decodes a copy: the default converter decodes in place, and
// the SDK sends that same failure object on to the server in a local
// activity's marker, which would store the message readable.
func (s sealedFailures) FailureToError(f *failurepb.Failure) error {
	if f == nil {
		return nil
	}
	return s.FailureConverter.FailureToError(proto.Clone(f).(*failurepb.Failure))
}

func (s sealedFailures) ErrorToFailure(err error) *failurepb.Failure {
	f := s.FailureConverter.ErrorToFailure(err)
	if f == nil {
		return nil
	}
	f = proto.Clone(f).(*failurepb.Failure)
	for x := f; x != nil; x = x.Cause {
		if x.EncodedAttributes == nil {
			if err := converter.EncodeCommonFailureAttributes(s.dc, x); err != nil {
				x.Message, x.StackTrace = sealedMessage, ""
			}
			continue
		}
		x.Message, x.StackTrace = sealedMessage, ""
	}
	return f
}

# The Lambda function of the Arthur seed (../../../shared/seeds/004_11b9a74514491972.txt,
# "Lambda Code"), copied verbatim: it is the code under test and must stay unchanged. Only the
# indentation and blank lines, which the seed's rendering dropped, are Python's usual ones.
import urllib.parse
import boto3
import os
import requests

s3 = boto3.client('s3')

ARTHUR_MODEL_ID = os.environ["ARTHUR_MODEL_ID"] # 12345678-1234-1234-1234-1234567890ab
ARTHUR_HOST = os.environ["ARTHUR_HOST"] # https://app.arthur.ai/
if ARTHUR_HOST[-1] != '/':
    ARTHUR_HOST += '/' # Ensure trailing slash exists

# TODO BY USER
# FILL IN CODE TO RETRIEVE AN ARTHUR API KEY
ARTHUR_ACCESS_TOKEN = os.environ["ARTHUR_ACCESS_TOKEN"]

ARTHUR_ENDPOINT = f"api/v3/models/{ARTHUR_MODEL_ID}/inferences/integrations/sagemaker_data_capture"

def lambda_handler(event, context):
    # Get the object from the event
    bucket = event['Records'][0]['s3']['bucket']['name']
    key = urllib.parse.unquote_plus(event['Records'][0]['s3']['object']['key'], encoding='utf-8')
    try:
        s3_object = s3.get_object(Bucket=bucket, Key=key)
        datacapture_body = s3_object.get('Body')

        request_url = urllib.parse.urljoin(ARTHUR_HOST, ARTHUR_ENDPOINT)
        print(f"Request: POST {request_url}")
        response = requests.post(
            request_url,
            files={'inference_data': ('smdatacapture.jsonl', datacapture_body, s3_object['ContentType'])},
            headers={'Authorization': ARTHUR_ACCESS_TOKEN}
        )
        print(f"Response: {response.content}")
    except Exception as e:
        print(e)
        print('Error getting object {} from bucket {}. '
              'Make sure they exist and your bucket is in the same region as this function.'.format(key, bucket))
        raise e

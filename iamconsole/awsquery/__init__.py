"""The AWS Query API face: IAM and STS on the wire protocol boto3 and the AWS CLI speak, served at ``/aws``."""
